using NmtPractice.Server;
using NmtPractice.Server.Seeding;

// NmtPractice server: `serve` (default), `migrate`, `demo` or `seed`. See docs/configuration.md.
var command = ServerArguments.Command(args);
if (command == ServerCommand.Migrate)
{
    await NmtServer.MigrateOnlyAsync(args);
    return 0;
}
if (command == ServerCommand.Seed)
{
    return await SeedCommand.RunAsync(args);
}

await using var server = await NmtServer.StartAsync(command == ServerCommand.Demo ? [.. args, "--demo"] : args);
if (command == ServerCommand.Serve)
{
    await server.WaitForShutdownAsync();
}
return 0;
