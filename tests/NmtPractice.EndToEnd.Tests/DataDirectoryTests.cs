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
        Assert.NotEqual(Path.Combine(AppContext.BaseDirectory, ".data", "nmt"), options.FullDataDirectory);
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
}
