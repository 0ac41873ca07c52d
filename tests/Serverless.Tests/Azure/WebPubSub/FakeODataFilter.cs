namespace Serverless.Tests.Azure.WebPubSub;

/// <summary>
/// The part of Web PubSub's OData filter language our publisher emits, evaluated for one connection
/// as the service would: <c>userId</c> and <c>connectionId</c> (compared case-insensitively),
/// <c>eq</c>, <c>ne</c>, <c>in (…)</c>, <c>'group' in groups</c>, <c>endswith(…,…)</c>, <c>and</c>, <c>or</c>, <c>not</c>,
/// parentheses, and string literals with <c>''</c> for a quote. Anything else throws, as the
/// service answers 400.
/// </summary>
public static class FakeODataFilter
{
    public static bool Evaluate(string filter, string userId, string connectionId, IReadOnlyCollection<string> groups)
    {
        var parser = new Parser(Tokenize(filter), userId, connectionId, groups);
        var result = parser.Or();
        if (parser.Position != parser.Tokens.Count)
        {
            throw new FormatException($"Unexpected '{parser.Tokens[parser.Position]}' in filter '{filter}'.");
        }

        return result;
    }

    private static List<string> Tokenize(string filter)
    {
        var tokens = new List<string>();
        for (var i = 0; i < filter.Length;)
        {
            var c = filter[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '(' or ')' or ',')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else if (c == '\'')
            {
                var literal = new System.Text.StringBuilder("'");
                i++;
                while (true)
                {
                    if (i >= filter.Length)
                    {
                        throw new FormatException($"Unterminated literal in filter '{filter}'.");
                    }

                    if (filter[i] == '\'')
                    {
                        if (i + 1 < filter.Length && filter[i + 1] == '\'')
                        {
                            literal.Append('\'');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    literal.Append(filter[i++]);
                }

                tokens.Add(literal.ToString());
            }
            else if (char.IsAsciiLetter(c))
            {
                var start = i;
                while (i < filter.Length && char.IsAsciiLetterOrDigit(filter[i]))
                {
                    i++;
                }

                tokens.Add(filter[start..i]);
            }
            else
            {
                throw new FormatException($"Unexpected '{c}' in filter '{filter}'.");
            }
        }

        return tokens;
    }

    private sealed class Parser(List<string> tokens, string userId, string connectionId, IReadOnlyCollection<string> groups)
    {
        public List<string> Tokens { get; } = tokens;

        public int Position { get; private set; }

        private string? Peek => Position < Tokens.Count ? Tokens[Position] : null;

        private string Next() => Position < Tokens.Count ? Tokens[Position++] : throw new FormatException("Filter ends too early.");

        private void Expect(string token)
        {
            if (Next() != token)
            {
                throw new FormatException($"Expected '{token}'.");
            }
        }

        public bool Or()
        {
            var value = And();
            while (Peek == "or")
            {
                Position++;
                value = And() | value;
            }

            return value;
        }

        private bool And()
        {
            var value = Unary();
            while (Peek == "and")
            {
                Position++;
                value = Unary() & value;
            }

            return value;
        }

        private bool Unary()
        {
            if (Peek == "not")
            {
                Position++;
                return !Unary();
            }

            if (Peek == "(")
            {
                Position++;
                var value = Or();
                Expect(")");
                return value;
            }

            if (Peek == "endswith")
            {
                Position++;
                Expect("(");
                var text = Operand();
                Expect(",");
                var suffix = Operand();
                Expect(")");
                return text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
            }

            return Comparison();
        }

        private bool Comparison()
        {
            var left = Operand();
            var op = Next();
            switch (op)
            {
                case "eq":
                    return Same(left, Operand());
                case "ne":
                    return !Same(left, Operand());
                case "in" when Peek == "groups":
                    Position++;
                    return groups.Contains(left, StringComparer.OrdinalIgnoreCase);
                case "in":
                    Expect("(");
                    var found = false;
                    while (true)
                    {
                        found |= Same(left, Operand());
                        var separator = Next();
                        if (separator == ")")
                        {
                            return found;
                        }

                        if (separator != ",")
                        {
                            throw new FormatException("Expected ',' or ')'.");
                        }
                    }

                default:
                    throw new FormatException($"Unsupported operator '{op}'.");
            }
        }

        private string Operand()
        {
            var token = Next();
            return token switch
            {
                "userId" => userId,
                "connectionId" => connectionId,
                _ when token.StartsWith('\'') => token[1..],
                _ => throw new FormatException($"Unsupported operand '{token}'."),
            };
        }

        private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
    }
}
