using System.Globalization;
using System.Text.Json;

namespace Serverless.Functions.Queues;

/// <summary>
/// Reads Service Bus message properties from a function's binding data. The host sends them as
/// typed values or as JSON text depending on the property, so every reader accepts both.
/// </summary>
public static class ServiceBusBindingData
{
    public const string MessageIdKey = "MessageId";

    public const string DeliveryCountKey = "DeliveryCount";

    /// <summary>The transport's message id, or <paramref name="fallback"/> when it is missing.</summary>
    public static string MessageId(IReadOnlyDictionary<string, object?> bindingData, string fallback)
    {
        ArgumentNullException.ThrowIfNull(bindingData);
        if (!bindingData.TryGetValue(MessageIdKey, out var value))
        {
            return fallback;
        }

        var text = value switch
        {
            null => null,
            string s => Unquote(s),
            JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
            JsonElement element => element.GetRawText(),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        return string.IsNullOrEmpty(text) ? fallback : text;
    }

    /// <summary>How many times the message has been delivered: 1 on the first delivery, 1 when missing.</summary>
    public static int DeliveryCount(IReadOnlyDictionary<string, object?> bindingData)
    {
        ArgumentNullException.ThrowIfNull(bindingData);
        if (!bindingData.TryGetValue(DeliveryCountKey, out var value))
        {
            return 1;
        }

        long? count = value switch
        {
            int i => i,
            long l => l,
            short s => s,
            uint u => u,
            ulong ul when ul <= int.MaxValue => (long)ul,
            double d when d >= 0 && d <= int.MaxValue => (long)d,
            decimal m when m >= 0 && m <= int.MaxValue => (long)m,
            string s when long.TryParse(Unquote(s), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            JsonElement { ValueKind: JsonValueKind.Number } element when element.TryGetInt64(out var n) => n,
            JsonElement { ValueKind: JsonValueKind.String } element when long.TryParse(element.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
        return count is null or < 1 ? 1 : (int)Math.Min(count.Value, int.MaxValue);
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? JsonSerializer.Deserialize<string>(value) ?? value : value;
}
