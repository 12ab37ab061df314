using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NmtPractice.Cli;
using NmtPractice.Tokens;
using Spectre.Console.Testing;

namespace NmtPractice.Cli.Tests;

/// <summary>`nmt login` mints a token with the embedded server's key file, and every other command sends it.</summary>
public sealed class LoginTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nmt-login-").FullName;

    private string DataDir => Path.Combine(_dir, "data");

    private string ConfigHome => Path.Combine(_dir, "config");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Dictionary<string, string> ExtraEnvironment { get; } = [];

    private async Task<(int Code, string Out, string Err)> Nmt(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var env = new Dictionary<string, string>(ExtraEnvironment) { ["XDG_CONFIG_HOME"] = ConfigHome, ["USER"] = "alice" };
        var app = new App(stdout, stderr, name => env.GetValueOrDefault(name), new TestConsole());
        var code = await app.RunAsync(args);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private byte[] ServerKey() => SigningKeyFile.ReadOrCreate(SigningKeyFile.PathIn(DataDir));

    [Fact]
    public async Task Login_writes_a_private_token_file_that_the_servers_key_validates()
    {
        var key = ServerKey();
        var run = await Nmt("login", "--role", "front-desk", "--clinic", "soho", "--clinic", "camden", "--data-dir", DataDir, "--ttl", "30m");
        Assert.Equal(0, run.Code);
        var path = Path.Combine(ConfigHome, "nmt", "token");
        Assert.Contains(path, run.Out, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        var token = File.ReadAllText(path).Trim();
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = NmtTokens.DefaultIssuer,
            ValidAudience = NmtTokens.DefaultAudience,
            IssuerSigningKey = new SymmetricSecurityKey(key),
            ValidAlgorithms = [NmtTokens.Algorithm],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("alice", jwt.Subject);
        Assert.Equal("front-desk", jwt.GetClaim(NmtTokens.RoleClaim).Value);
        Assert.Equal(["soho", "camden"], jwt.Claims.Where(c => c.Type == NmtTokens.ClinicClaim).Select(c => c.Value));
        Assert.InRange(jwt.ValidTo - jwt.ValidFrom, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(31));
        Assert.Equal(token, TokenStore.Load(n => n == "XDG_CONFIG_HOME" ? ConfigHome : null));
        Assert.Equal("from-env", TokenStore.Load(n => n switch { "XDG_CONFIG_HOME" => ConfigHome, TokenStore.TokenVariable => "from-env", _ => null }));
    }

    [Fact]
    public async Task Without_data_dir_login_reads_the_key_from_NMT_DATA_DIR_and_the_option_wins_over_it()
    {
        ServerKey();
        ExtraEnvironment["NMT_DATA_DIR"] = DataDir;
        var fromEnvironment = await Nmt("login", "--role", "chain-admin", "--print");
        Assert.Equal(0, fromEnvironment.Code);
        Assert.Equal(3, fromEnvironment.Out.Trim().Split('.').Length);

        var elsewhere = Path.Combine(_dir, "no-server-here");
        var fromOption = await Nmt("login", "--role", "chain-admin", "--print", "--data-dir", elsewhere);
        Assert.Equal(2, fromOption.Code);
        Assert.Contains(elsewhere, fromOption.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_with_print_writes_no_file()
    {
        ServerKey();
        var run = await Nmt("login", "--role", "therapist", "--therapist", "anna", "--data-dir", DataDir, "--print");
        Assert.Equal(0, run.Code);
        Assert.Equal(3, run.Out.Trim().Split('.').Length);
        Assert.False(File.Exists(Path.Combine(ConfigHome, "nmt", "token")));
    }

    [Theory]
    [InlineData("--role", "therapist")]
    [InlineData("--role", "chain-admin", "--ttl", "90d")]
    [InlineData("--role", "chain-admin", "--ttl", "soon")]
    [InlineData("--role", "janitor")]
    public async Task Bad_login_options_exit_2(params string[] args)
    {
        ServerKey();
        var run = await Nmt(["login", .. args, "--data-dir", DataDir]);
        Assert.Equal(ExitCodes.Usage, run.Code);
    }

    [Theory]
    [InlineData]
    [InlineData("--email", "desk@example.com", "--role", "front-desk")]
    public async Task Login_needs_either_an_email_or_a_role(params string[] args)
    {
        var run = await Nmt(["login", .. args]);
        Assert.Equal(ExitCodes.Usage, run.Code);
        Assert.Contains("--email", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_with_an_email_asks_the_server_with_the_password_from_the_environment()
    {
        ExtraEnvironment["NMT_PASSWORD"] = "a long enough passphrase";
        // Nobody listens on port 1: the login is a call to the server, which is unavailable (exit 5), and no token is kept.
        var run = await Nmt("login", "--email", "desk@example.com", "--server", "http://127.0.0.1:1", "--timeout", "5");
        Assert.Equal(ExitCodes.Unavailable, run.Code);
        Assert.DoesNotContain("a long enough passphrase", run.Err + run.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(ConfigHome, "nmt", "token")));
    }

    [Fact]
    public async Task Login_without_a_server_key_says_where_it_looked_and_exits_2()
    {
        var run = await Nmt("login", "--role", "chain-admin", "--data-dir", DataDir);
        Assert.Equal(ExitCodes.Usage, run.Code);
        Assert.Contains(SigningKeyFile.PathIn(DataDir), run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Calls_carry_the_token_as_a_bearer_header()
    {
        using var context = new CliContext(new Uri("http://127.0.0.1:1"), json: false, TimeSpan.FromSeconds(1), TextWriter.Null, new TestConsole(), "abc.def.ghi");
        Assert.Equal("Bearer abc.def.ghi", context.Call(default).Headers!.GetValue("authorization"));
        using var anonymous = new CliContext(new Uri("http://127.0.0.1:1"), json: false, TimeSpan.FromSeconds(1), TextWriter.Null, new TestConsole());
        Assert.Null(anonymous.Call(default).Headers);
    }

    [Fact]
    public void Refusals_of_the_gate_exit_6()
    {
        Assert.Equal(ExitCodes.Denied, ExitCodes.For(StatusCode.Unauthenticated));
        Assert.Equal(ExitCodes.Denied, ExitCodes.For(StatusCode.PermissionDenied));
    }
}
