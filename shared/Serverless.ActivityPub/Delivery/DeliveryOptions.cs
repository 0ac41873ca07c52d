using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Serverless.ActivityPub.Delivery;

/// <summary>
/// How deliveries are retried: exponential back-off with jitter from <see cref="FirstRetryDelay"/>, each
/// delay capped at <see cref="MaxRetryDelay"/>, for <see cref="MaxAttempts"/> attempts (about a week
/// with the defaults, as Mastodon's delivery worker).
/// </summary>
public sealed record DeliveryOptions
{
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromDays(1);

    public int MaxAttempts { get; init; } = 16;

    /// <summary>Votes within this window go out in one <c>Update</c> of the poll (Mastodon debounces them too).</summary>
    public TimeSpan PollUpdateDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Reads <c>DELIVERY_FIRST_RETRY_SECONDS</c>, <c>DELIVERY_MAX_ATTEMPTS</c> and <c>POLL_UPDATE_DELAY_SECONDS</c> (for tests and tuning).</summary>
    public static DeliveryOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new DeliveryOptions();
        if (double.TryParse(configuration["DELIVERY_FIRST_RETRY_SECONDS"], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            options = options with { FirstRetryDelay = TimeSpan.FromSeconds(seconds) };
        }

        if (int.TryParse(configuration["DELIVERY_MAX_ATTEMPTS"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var attempts) && attempts > 0)
        {
            options = options with { MaxAttempts = attempts };
        }

        if (double.TryParse(configuration["POLL_UPDATE_DELAY_SECONDS"], NumberStyles.Float, CultureInfo.InvariantCulture, out var pollSeconds) && pollSeconds > 0)
        {
            options = options with { PollUpdateDelay = TimeSpan.FromSeconds(pollSeconds) };
        }

        return options;
    }

    /// <summary>The delay before retry number <paramref name="attempt"/> (1 = the first retry): doubling, capped, ±25% jitter.</summary>
    public TimeSpan RetryDelay(int attempt, double jitter)
    {
        var exponential = FirstRetryDelay.TotalSeconds * Math.Pow(2, Math.Max(0, attempt - 1));
        var capped = Math.Min(exponential, MaxRetryDelay.TotalSeconds);
        return TimeSpan.FromSeconds(capped * (0.75 + (0.5 * Math.Clamp(jitter, 0, 1))));
    }

    /// <summary>Whether a status answered by an inbox is final (a 4xx other than 408 and 429): no retry helps.</summary>
    public static bool IsFinal(int status) => status is >= 400 and < 500 and not 408 and not 429;
}
