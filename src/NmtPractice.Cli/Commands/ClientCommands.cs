namespace NmtPractice.Cli.Commands;

/// <summary>ClientService: `clients register|get|update|search`.</summary>
internal static class ClientCommands
{
    public static IEnumerable<Command> Create(App app)
    {
        yield return new Command("clients", "Clients: register, show, update, search").With(Register(app), Get(app), Update(app), Search(app));
    }

    private sealed record Details(Option<string?> Given, Option<string?> Family, Option<string?> Phone, Option<string?> Email, Option<string?> Born)
    {
        public static Details Options(bool required)
        {
            var given = Opts.Optional("--given", "Given name");
            var family = Opts.Optional("--family", "Family name");
            given.Required = required;
            family.Required = required;
            return new Details(given, family, Opts.Optional("--phone", "Phone number", "phone"), Opts.Optional("--email", "E-mail address", "email"),
                Opts.Optional("--born", "Date of birth, yyyy-MM-dd (empty: unknown)", "date"));
        }

        public Symbol[] All => [Given, Family, Phone, Email, Born];

        /// <summary>Copies the options given onto <paramref name="client"/>; an empty value clears an optional field.</summary>
        public Client Apply(ParseResult r, Client client)
        {
            client.GivenName = r.GetValue(Given) ?? client.GivenName;
            client.FamilyName = r.GetValue(Family) ?? client.FamilyName;
            client.Phone = r.GetValue(Phone) ?? client.Phone;
            client.Email = r.GetValue(Email) ?? client.Email;
            if (r.GetValue(Born) is { } born)
            {
                client.DateOfBirth = born.Length == 0 ? "" : Args.Date(born, "--born");
            }
            return client;
        }
    }

    private static Command Register(App app)
    {
        var id = new Argument<string?>("client-id") { Description = "New client's id [default: generated]", Arity = ArgumentArity.ZeroOrOne };
        var details = Details.Options(required: true);
        var requestId = Opts.RequestId();
        var register = new Command("register", "Register a client").With(id).With(details.All).With(requestId);
        register.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var client = details.Apply(r, new Client { ClientId = r.GetValue(id) ?? $"c-{Guid.NewGuid().ToString("N")[..12]}" });
            var created = await ctx.Clients.RegisterClientAsync(
                new RegisterClientRequest { RequestId = CliContext.RequestId(r.GetValue(requestId)), Client = client }, ctx.Call(ct));
            ctx.Print(created, c => Tables.Client(c, created));
        }));
        return register;
    }

    private static Command Get(App app)
    {
        var id = Opts.Id("client-id", "Client id");
        var get = new Command("get", "Show a client").With(id);
        get.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var client = await ctx.Clients.GetClientAsync(new GetClientRequest { ClientId = r.GetValue(id) }, ctx.Call(ct));
            ctx.Print(client, c => Tables.Client(c, client));
        }));
        return get;
    }

    private static Command Update(App app)
    {
        var id = Opts.Id("client-id", "Client id");
        var details = Details.Options(required: false);
        var requestId = Opts.RequestId();
        var update = new Command("update", "Change a client's details; options not given keep their value, an empty value clears it")
            .With(id).With(details.All).With(requestId);
        update.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var current = await ctx.Clients.GetClientAsync(new GetClientRequest { ClientId = r.GetValue(id) }, ctx.Call(ct));
            var updated = await ctx.Clients.UpdateClientAsync(
                new UpdateClientRequest { RequestId = CliContext.RequestId(r.GetValue(requestId)), Client = details.Apply(r, current) }, ctx.Call(ct));
            ctx.Print(updated, c => Tables.Client(c, updated));
        }));
        return update;
    }

    private static Command Search(App app)
    {
        var query = new Argument<string?>("query")
        {
            Description = "Search box text: an e-mail if it has '@', a phone number if it is digits, else words of a name",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var name = Opts.Optional("--name", "Every word somewhere in the name (case-insensitive)");
        var phone = Opts.Optional("--phone", "Phone number (its digits)", "phone");
        var email = Opts.Optional("--email", "E-mail address (exact, case-insensitive)", "email");
        var limit = new Option<int>("--limit") { Description = "At most this many clients", DefaultValueFactory = _ => 50, HelpName = "n" };
        var search = new Command("search", "Find clients by name, phone or e-mail (criteria given together must all match)").With(query, name, phone, email, limit);
        search.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var request = new SearchClientsRequest
            {
                Query = r.GetValue(query) ?? "",
                Name = r.GetValue(name) ?? "",
                Phone = r.GetValue(phone) ?? "",
                Email = r.GetValue(email) ?? "",
                PageSize = Math.Min(500, Math.Max(1, r.GetValue(limit))),
            };
            if (request.Query.Length + request.Name.Length + request.Phone.Length + request.Email.Length == 0)
            {
                throw new CliUsageException("query", "Give something to search for: text, --name, --phone or --email.");
            }
            var (clients, more) = await Opts.Pages(async token =>
            {
                request.PageToken = token;
                return await ctx.Clients.SearchClientsAsync(request, ctx.Call(ct));
            }, p => p.Clients, p => p.NextPageToken, r.GetValue(limit));
            ctx.Print(new SearchClientsResponse { Clients = { clients } }, c => Tables.Clients(c, clients, more));
        }));
        return search;
    }
}
