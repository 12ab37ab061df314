namespace NmtPractice.Cli.Commands;

/// <summary>Small constructors for the options and arguments the commands share.</summary>
internal static class Opts
{
    public static Option<string> Required(string name, string description, string helpName = "id") =>
        new(name) { Description = description, Required = true, HelpName = helpName };

    public static Option<string?> Optional(string name, string description, string helpName = "text") =>
        new(name) { Description = description, HelpName = helpName };

    public static Option<int?> Number(string name, string description, string helpName = "minutes") =>
        new(name) { Description = description, HelpName = helpName };

    public static Option<string[]> Many(string name, string description, string helpName = "value") =>
        new(name) { Description = description + " (repeatable)", HelpName = helpName, Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };

    public static Argument<string> Id(string name, string description) => new(name) { Description = description };

    public static Option<string?> RequestId() =>
        Optional("--request-id", "Idempotency key; a retry with the same key never books twice [default: a new GUID]", "key");

    public static Option<string?> Zone() =>
        Optional("--zone", "IANA zone for times typed without an offset [default: the clinic's]", "zone");

    public static Command With(this Command command, params Symbol[] symbols)
    {
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case System.CommandLine.Option o:
                    command.Add(o);
                    break;
                case Argument a:
                    command.Add(a);
                    break;
                case Command c:
                    command.Add(c);
                    break;
                default:
                    break;
            }
        }
        return command;
    }

    /// <summary>Follows next_page_token until the last page, or until <paramref name="limit"/> items (0: no limit).</summary>
    public static async Task<(List<T> Items, bool More)> Pages<TPage, T>(
        Func<string, Task<TPage>> fetch, Func<TPage, IEnumerable<T>> items, Func<TPage, string> next, int limit = 0)
    {
        var all = new List<T>();
        var token = "";
        do
        {
            var page = await fetch(token);
            all.AddRange(items(page));
            token = next(page);
            if (limit > 0 && all.Count >= limit)
            {
                var more = all.Count > limit || token.Length > 0;
                all.RemoveRange(limit, all.Count - limit);
                return (all, more);
            }
        }
        while (token.Length > 0);
        return (all, false);
    }
}
