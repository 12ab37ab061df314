using NmtPractice.Server;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// The embedded default's data directory is read from the process's current directory, so that the README's
/// `dotnet run --project src/NmtPractice.Server` and `nmt login` (which looks in ./.data/nmt) agree when both are run
/// from the repository root.
/// </summary>
public sealed class DataDirectoryTests
{
    [Fact]
    public void The_default_data_directory_is_dot_data_nmt_under_the_current_directory()
    {
        var options = new NmtOptions();
        Assert.Equal("./.data/nmt", options.DataDirectory);
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, ".data", "nmt"), options.FullDataDirectory);
    }

    [Theory]
    [InlineData("./.data/nmt", "/srv/clone", "/srv/clone/.data/nmt")]
    [InlineData(".data/nmt", "/srv/clone", "/srv/clone/.data/nmt")]
    [InlineData("../elsewhere", "/srv/clone", "/srv/elsewhere")]
    [InlineData("/var/lib/nmt", "/srv/clone", "/var/lib/nmt")]
    [InlineData("", "/srv/clone", "/srv/clone/.data/nmt")]
    public void A_relative_data_directory_is_resolved_against_the_current_directory(string configured, string cwd, string expected)
    {
        Assert.Equal(expected, NmtOptions.ResolveDataDirectory(configured, cwd));
    }

    /// <summary>
    /// `dotnet run --project` would otherwise run both programs in their project directories (the server's data in
    /// src/NmtPractice.Server/.data/nmt, nmt login looking in src/NmtPractice.Cli/.data/nmt): both projects run where
    /// the command was typed. (Tried by hand from a fresh clone: server, `login`, `clinics list` from the root.)
    /// </summary>
    [Theory]
    [InlineData("src/NmtPractice.Server/NmtPractice.Server.csproj")]
    [InlineData("src/NmtPractice.Cli/NmtPractice.Cli.csproj")]
    public void Dotnet_run_runs_the_server_and_the_cli_in_the_directory_it_was_typed_in(string project)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "NmtPractice.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var xml = System.Xml.Linq.XDocument.Load(Path.Combine(root.FullName, project));
        var property = Assert.Single(xml.Descendants("RunWorkingDirectory"));
        Assert.Equal("$(MSBuildStartupDirectory)", property.Value);
    }
}
