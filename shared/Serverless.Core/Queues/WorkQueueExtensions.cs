using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Serverless.Core.Queues;

public static class WorkQueueExtensions
{
    /// <summary>Sends a typed message as JSON, now.</summary>
    public static Task SendJsonAsync<T>(this IWorkQueue queue, string queueName, T message, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        SendJsonAsync(queue, queueName, message, type, TimeSpan.Zero, cancellationToken);

    /// <summary>Sends a typed message as JSON after <paramref name="delay"/>.</summary>
    public static Task SendJsonAsync<T>(this IWorkQueue queue, string queueName, T message, JsonTypeInfo<T> type, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return queue.SendAsync(queueName, JsonSerializer.Serialize(message, type), delay, cancellationToken);
    }
}
