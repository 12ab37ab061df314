using NmtPractice.Cli;

// nmt: see `nmt --help` and docs/cli.md.
var app = new App(Console.Out, Console.Error, Environment.GetEnvironmentVariable);
return await app.RunAsync(args);
