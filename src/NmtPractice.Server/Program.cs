using NmtPractice.Server;

// NmtPractice server: `serve` (default), `migrate`, or `demo`. See docs/configuration.md.
var command = ServerArguments.Command(args);
if (command == ServerCommand.Migrate)
{
    await NmtServer.MigrateOnlyAsync(args);
    return 0;
}

await using var server = await NmtServer.StartAsync(command == ServerCommand.Demo ? [.. args, "--demo"] : args);
if (command == ServerCommand.Serve)
{
    await server.WaitForShutdownAsync();
}
return 0;
