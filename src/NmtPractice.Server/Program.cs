using NmtPractice.Server;
using NmtPractice.Server.Backup;
using NmtPractice.Server.Seeding;

// NmtPractice server: `serve` (default), `migrate`, `demo`, `seed`, `backup` or `restore`. See docs/configuration.md.
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
if (command is ServerCommand.Backup or ServerCommand.Restore)
{
    return await BackupCommand.RunAsync(command, args);
}

await using var server = await NmtServer.StartAsync(command == ServerCommand.Demo ? [.. args, "--demo"] : args);
if (command == ServerCommand.Serve)
{
    await server.WaitForShutdownAsync();
}
return 0;
