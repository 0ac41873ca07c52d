namespace Serverless.LoadTests;

/// <summary>
/// The seeder's clock: real time, unless the current async flow has set <see cref="Current"/>.
/// Seeded statuses are dated over the weeks before the run (their ids follow, as ids are made
/// from time), so that the timelines look like a history rather than one burst.
/// </summary>
internal sealed class SeedClock : TimeProvider
{
    private static readonly AsyncLocal<DateTimeOffset?> Override = new();

    /// <summary>The time this async flow reads; null for real time. Set it in the flow that does the work.</summary>
    public static DateTimeOffset? Current
    {
        get => Override.Value;
        set => Override.Value = value;
    }

    public override DateTimeOffset GetUtcNow() => Override.Value ?? base.GetUtcNow();
}
