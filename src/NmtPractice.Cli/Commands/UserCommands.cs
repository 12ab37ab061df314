namespace NmtPractice.Cli.Commands;

/// <summary>
/// StaffUserService: `users list|add|update|disable|reset-password`, for chain admins. Passwords are read from
/// $NMT_PASSWORD or a prompt that does not echo, never from an option (every user of the machine can read a
/// process's arguments).
/// </summary>
internal static class UserCommands
{
    public static IEnumerable<Command> Create(App app, Func<string, string?> environment, TextWriter stderr)
    {
        var list = new Command("list", "List the staff accounts");
        list.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var (users, _) = await Opts.Pages(
                token => ctx.Users.ListUsersAsync(new ListUsersRequest { PageSize = 500, PageToken = token }, ctx.Call(ct)).ResponseAsync,
                page => page.Users,
                page => page.NextPageToken);
            ctx.Print(new ListUsersResponse { Users = { users } }, c => UserTable(c, users));
        }));

        var email = Opts.Required("--email", "The login email (unique, any case)", "email");
        var name = Opts.Required("--name", "The display name", "name");
        var role = Opts.Required("--role", "chain-admin, clinic-manager, front-desk or therapist", "role");
        var clinics = Opts.Many("--clinic", "A clinic in the account's scope (repeatable; required for managers and front desks)", "id");
        var therapist = Opts.Optional("--therapist", "The therapist the account is (required for the therapist role)", "id");
        var add = new Command("add", $"Create a staff account; its initial password from ${PasswordPrompt.PasswordVariable} or a prompt")
            .With(email, name, role, clinics, therapist);
        add.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var password = await PasswordPrompt.ReadAsync(environment, stderr, "Initial password: ");
            var request = new CreateUserRequest
            {
                Email = r.GetValue(email)!,
                DisplayName = r.GetValue(name)!,
                Role = r.GetValue(role)!,
                TherapistId = r.GetValue(therapist) ?? "",
                InitialPassword = password,
            };
            request.ClinicIds.AddRange(r.GetValue(clinics) ?? []);
            Show(ctx, await ctx.Users.CreateUserAsync(request, ctx.Call(ct)));
        }));

        var updateId = Opts.Id("user-id", "The account's id");
        var newName = Opts.Optional("--name", "A new display name", "name");
        var newRole = Opts.Optional("--role", "A new role", "role");
        var newClinics = Opts.Many("--clinic", "The account's clinics from now on (repeatable; replaces them)", "id");
        var newTherapist = Opts.Optional("--therapist", "The therapist the account is", "id");
        var update = new Command("update", "Change an account's display name, role, clinics or therapist (what is not given stays)")
            .With(updateId, newName, newRole, newClinics, newTherapist);
        update.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var current = await ctx.Users.GetUserAsync(new GetUserRequest { UserId = r.GetValue(updateId) }, ctx.Call(ct));
            var roleText = r.GetValue(newRole) is { Length: > 0 } givenRole ? givenRole : current.Role;
            var request = new UpdateUserRequest
            {
                UserId = current.UserId,
                DisplayName = r.GetValue(newName) is { Length: > 0 } givenName ? givenName : current.DisplayName,
                Role = roleText,
                TherapistId = r.GetValue(newTherapist) ?? (roleText == NmtPractice.Tokens.NmtRoles.Therapist ? current.TherapistId : ""),
            };
            request.ClinicIds.AddRange(r.GetValue(newClinics) is { Length: > 0 } given ? given
                : roleText == NmtPractice.Tokens.NmtRoles.ChainAdmin ? [] : current.ClinicIds);
            Show(ctx, await ctx.Users.UpdateUserAsync(request, ctx.Call(ct)));
        }));

        var disableId = Opts.Id("user-id", "The account's id");
        var disable = new Command("disable", "Disable an account: no more logins or refreshes (its access tokens run out within minutes)").With(disableId);
        disable.SetAction(app.Run(async (ctx, r, ct) =>
            Show(ctx, await ctx.Users.DisableUserAsync(new DisableUserRequest { UserId = r.GetValue(disableId) }, ctx.Call(ct)))));

        var resetId = Opts.Id("user-id", "The account's id");
        var reset = new Command("reset-password", $"Set a new password (from ${PasswordPrompt.PasswordVariable} or a prompt); lifts a lockout, ends the account's sessions")
            .With(resetId);
        reset.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var password = await PasswordPrompt.ReadAsync(environment, stderr, "New password: ");
            Show(ctx, await ctx.Users.ResetPasswordAsync(new ResetPasswordRequest { UserId = r.GetValue(resetId), NewPassword = password }, ctx.Call(ct)));
        }));

        yield return new Command("users", "Staff accounts (chain admins only)").With(list, add, update, disable, reset);
    }

    private static void Show(CliContext ctx, StaffUser user) => ctx.Print(user, c => UserTable(c, [user]));

    private static void UserTable(IAnsiConsole console, IReadOnlyList<StaffUser> users)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in new[] { "User", "Email", "Name", "Role", "Clinics", "Therapist", "Status" })
        {
            table.AddColumn(new TableColumn(new Markup($"[bold]{header}[/]")).NoWrap());
        }
        foreach (var u in users)
        {
            table.AddRow(
                new Text(u.UserId), new Text(u.Email), new Text(u.DisplayName), new Text(u.Role),
                new Text(u.Role == NmtPractice.Tokens.NmtRoles.ChainAdmin ? "every clinic" : string.Join(", ", u.ClinicIds)),
                new Text(u.TherapistId), new Text(u.Disabled ? "disabled" : "active"));
        }
        console.Write(table);
    }
}
