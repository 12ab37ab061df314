namespace NmtPractice.Server.Seeding;

/// <summary>
/// <c>seed</c>: starts the server (embedded or on the given database; its own silo, gateway and HTTP ports are free
/// ones unless configured, so it can run next to a server of another cluster), seeds the chain, and stops.
/// Exit codes: 0 done, 2 bad arguments, 1 failed, 130 interrupted.
/// </summary>
public static class SeedCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        SeedOptions options;
        string[] serverArgs;
        try
        {
            (options, serverArgs) = SeedOptions.Parse(args.Skip(1).ToArray());
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            await Console.Error.WriteLineAsync(SeedOptions.Usage);
            return 2;
        }
        if (serverArgs.Any(a => a is "--help" or "-h"))
        {
            Console.WriteLine(SeedOptions.Usage);
            return 0;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        try
        {
            // Free ports unless the operator chose some (later arguments win), warnings only in the log.
            string[] defaults = ["--urls=http://127.0.0.1:0", "--Nmt:SiloPort=0", "--Nmt:GatewayPort=0", "--Logging:LogLevel:Default=Warning"];
            await using var server = await NmtServer.StartAsync([.. defaults, .. serverArgs], ct: cts.Token);
            // The bulk load turns the ledger's triggers off while it copies: the owner's right, not the application's.
            await GeneratedChainSeeder.RunAsync(server.Services, server.OwnerConnectionString, options, Console.Out, cts.Token);
            return 0;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Interrupted: nothing of the appointments was kept (the load is one transaction).");
            return 130;
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
    }
}
