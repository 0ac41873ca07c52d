using System.Globalization;
using System.Text;

namespace Serverless.ActivityPub.Signatures;

/// <summary>An RFC 8941 token (distinct from a string when serialised).</summary>
internal readonly record struct SfToken(string Value);

/// <summary>An item or inner-list parameter: key and bare value (string, <see cref="SfToken"/>, long, decimal, bool or byte[]).</summary>
internal readonly record struct SfParameter(string Key, object Value);

/// <summary>A bare item with its parameters.</summary>
internal sealed record SfItem(object Value, IReadOnlyList<SfParameter> Parameters)
{
    public object? Parameter(string key)
    {
        foreach (var parameter in Parameters)
        {
            if (parameter.Key == key)
            {
                return parameter.Value;
            }
        }

        return null;
    }
}

/// <summary>
/// A dictionary member: either an item or an inner list (<see cref="InnerList"/> non-null), with its
/// parameters and the member value exactly as it appeared in the field (for <c>@signature-params</c>).
/// </summary>
internal sealed record SfMember(string Key, SfItem? Item, IReadOnlyList<SfItem>? InnerList, IReadOnlyList<SfParameter> Parameters, string RawValue)
{
    public object? Parameter(string key)
    {
        foreach (var parameter in Parameters)
        {
            if (parameter.Key == key)
            {
                return parameter.Value;
            }
        }

        return null;
    }
}

/// <summary>
/// The part of RFC 8941 structured fields that signatures need: dictionaries of items and inner lists
/// (<c>Signature-Input</c>, <c>Signature</c>, <c>Content-Digest</c>), and the canonical serialisation of an inner list.
/// </summary>
internal static class StructuredFields
{
    /// <summary>Parses a dictionary; null when the field is not a valid one.</summary>
    public static List<SfMember>? ParseDictionary(string field)
    {
        var reader = new Reader(field);
        var members = new List<SfMember>();
        reader.SkipSpaces();
        if (reader.AtEnd)
        {
            return members;
        }

        while (true)
        {
            var key = reader.ReadKey();
            if (key is null)
            {
                return null;
            }

            SfMember member;
            if (reader.TryConsume('='))
            {
                var start = reader.Position;
                if (reader.Peek == '(')
                {
                    var list = reader.ReadInnerList(out var parameters);
                    if (list is null || parameters is null)
                    {
                        return null;
                    }

                    member = new SfMember(key, null, list, parameters, field[start..reader.Position]);
                }
                else
                {
                    var item = reader.ReadItem();
                    if (item is null)
                    {
                        return null;
                    }

                    member = new SfMember(key, item, null, item.Parameters, field[start..reader.Position]);
                }
            }
            else
            {
                var parameters = reader.ReadParameters();
                if (parameters is null)
                {
                    return null;
                }

                member = new SfMember(key, new SfItem(true, parameters), null, parameters, string.Empty);
            }

            // A later member with the same key replaces an earlier one (RFC 8941 §4.2.2).
            members.RemoveAll(m => m.Key == key);
            members.Add(member);

            reader.SkipWhitespace();
            if (reader.AtEnd)
            {
                return members;
            }

            if (!reader.TryConsume(','))
            {
                return null;
            }

            reader.SkipWhitespace();
            if (reader.AtEnd)
            {
                return null;
            }
        }
    }

    /// <summary>The canonical serialisation of an inner list with its parameters.</summary>
    public static string SerializeInnerList(IReadOnlyList<SfItem> items, IReadOnlyList<SfParameter> parameters)
    {
        var builder = new StringBuilder("(");
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(' ');
            }

            AppendBareItem(builder, items[i].Value);
            AppendParameters(builder, items[i].Parameters);
        }

        builder.Append(')');
        AppendParameters(builder, parameters);
        return builder.ToString();
    }

    /// <summary>The canonical serialisation of an item with its parameters (a component identifier).</summary>
    public static string SerializeItem(SfItem item)
    {
        var builder = new StringBuilder();
        AppendBareItem(builder, item.Value);
        AppendParameters(builder, item.Parameters);
        return builder.ToString();
    }

    private static void AppendParameters(StringBuilder builder, IReadOnlyList<SfParameter> parameters)
    {
        foreach (var parameter in parameters)
        {
            builder.Append(';').Append(parameter.Key);
            if (parameter.Value is not true)
            {
                builder.Append('=');
                AppendBareItem(builder, parameter.Value);
            }
        }
    }

    private static void AppendBareItem(StringBuilder builder, object value)
    {
        switch (value)
        {
            case string s:
                builder.Append('"');
                foreach (var c in s)
                {
                    if (c is '"' or '\\')
                    {
                        builder.Append('\\');
                    }

                    builder.Append(c);
                }

                builder.Append('"');
                break;
            case SfToken token:
                builder.Append(token.Value);
                break;
            case long integer:
                builder.Append(integer.ToString(CultureInfo.InvariantCulture));
                break;
            case decimal number:
                var text = Math.Round(number, 3, MidpointRounding.ToEven).ToString("0.0##", CultureInfo.InvariantCulture);
                builder.Append(text);
                break;
            case bool flag:
                builder.Append(flag ? "?1" : "?0");
                break;
            case byte[] bytes:
                builder.Append(':').Append(Convert.ToBase64String(bytes)).Append(':');
                break;
            default:
                throw new InvalidOperationException("Not a structured field value.");
        }
    }

    private ref struct Reader(string text)
    {
        private readonly string _text = text;

        public int Position { get; private set; }

        public readonly bool AtEnd => Position >= _text.Length;

        public readonly char Peek => AtEnd ? '\0' : _text[Position];

        public bool TryConsume(char c)
        {
            if (Peek != c || AtEnd)
            {
                return false;
            }

            Position++;
            return true;
        }

        public void SkipSpaces()
        {
            while (!AtEnd && _text[Position] == ' ')
            {
                Position++;
            }
        }

        public void SkipWhitespace()
        {
            while (!AtEnd && _text[Position] is ' ' or '\t')
            {
                Position++;
            }
        }

        public string? ReadKey()
        {
            var start = Position;
            if (AtEnd || !(char.IsAsciiLetterLower(Peek) || Peek == '*'))
            {
                return null;
            }

            Position++;
            while (!AtEnd && (char.IsAsciiLetterLower(Peek) || char.IsAsciiDigit(Peek) || Peek is '_' or '-' or '.' or '*'))
            {
                Position++;
            }

            return _text[start..Position];
        }

        public List<SfItem>? ReadInnerList(out List<SfParameter>? parameters)
        {
            parameters = null;
            if (!TryConsume('('))
            {
                return null;
            }

            var items = new List<SfItem>();
            while (true)
            {
                SkipSpaces();
                if (TryConsume(')'))
                {
                    parameters = ReadParameters();
                    return parameters is null ? null : items;
                }

                var item = ReadItem();
                if (item is null)
                {
                    return null;
                }

                items.Add(item);
                if (Peek is not (' ' or ')'))
                {
                    return null;
                }
            }
        }

        public SfItem? ReadItem()
        {
            var value = ReadBareItem();
            if (value is null)
            {
                return null;
            }

            var parameters = ReadParameters();
            return parameters is null ? null : new SfItem(value, parameters);
        }

        public List<SfParameter>? ReadParameters()
        {
            var parameters = new List<SfParameter>();
            while (TryConsume(';'))
            {
                SkipSpaces();
                var key = ReadKey();
                if (key is null)
                {
                    return null;
                }

                object value = true;
                if (TryConsume('='))
                {
                    var bare = ReadBareItem();
                    if (bare is null)
                    {
                        return null;
                    }

                    value = bare;
                }

                parameters.RemoveAll(p => p.Key == key);
                parameters.Add(new SfParameter(key, value));
            }

            return parameters;
        }

        private object? ReadBareItem()
        {
            if (AtEnd)
            {
                return null;
            }

            var c = Peek;
            if (c == '-' || char.IsAsciiDigit(c))
            {
                return ReadNumber();
            }

            if (c == '"')
            {
                return ReadString();
            }

            if (c == ':')
            {
                return ReadByteSequence();
            }

            if (c == '?')
            {
                Position++;
                if (TryConsume('1'))
                {
                    return true;
                }

                return TryConsume('0') ? false : null;
            }

            if (char.IsAsciiLetter(c) || c == '*')
            {
                var start = Position;
                Position++;
                while (!AtEnd && IsTokenChar(Peek))
                {
                    Position++;
                }

                return new SfToken(_text[start..Position]);
            }

            return null;
        }

        private object? ReadNumber()
        {
            var start = Position;
            TryConsume('-');
            var digitsStart = Position;
            var isDecimal = false;
            while (!AtEnd && (char.IsAsciiDigit(Peek) || (Peek == '.' && !isDecimal)))
            {
                isDecimal |= Peek == '.';
                Position++;
            }

            var text = _text[start..Position];
            if (Position == digitsStart || text.EndsWith('.'))
            {
                return null;
            }

            if (isDecimal)
            {
                return text.Length <= 16 && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) ? number : null;
            }

            return text.Length <= 16 && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) ? integer : null;
        }

        private string? ReadString()
        {
            Position++;
            var builder = new StringBuilder();
            while (!AtEnd)
            {
                var c = _text[Position++];
                if (c == '\\')
                {
                    if (AtEnd || _text[Position] is not ('"' or '\\'))
                    {
                        return null;
                    }

                    builder.Append(_text[Position++]);
                }
                else if (c == '"')
                {
                    return builder.ToString();
                }
                else if (c < 0x20 || c > 0x7e)
                {
                    return null;
                }
                else
                {
                    builder.Append(c);
                }
            }

            return null;
        }

        private byte[]? ReadByteSequence()
        {
            Position++;
            var end = _text.IndexOf(':', Position);
            if (end < 0)
            {
                return null;
            }

            var encoded = _text[Position..end];
            Position = end + 1;
            try
            {
                return Convert.FromBase64String(encoded);
            }
            catch (FormatException)
            {
                return null;
            }
        }

        private static bool IsTokenChar(char c) =>
            char.IsAsciiLetterOrDigit(c) || c is ':' or '/' or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
    }
}
