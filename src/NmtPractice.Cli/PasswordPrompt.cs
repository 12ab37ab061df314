using System.Text;

namespace NmtPractice.Cli;

/// <summary>
/// Reads a password: from $NMT_PASSWORD when set (scripts), else from the terminal without echo, else (input
/// redirected) one line of standard input. Never from the command line.
/// </summary>
public static class PasswordPrompt
{
    public const string PasswordVariable = "NMT_PASSWORD";

    public static async Task<string> ReadAsync(Func<string, string?> environment, TextWriter prompt, string label)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(prompt);
        if (environment(PasswordVariable) is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }
        if (Console.IsInputRedirected)
        {
            return (await Console.In.ReadLineAsync()) is { Length: > 0 } line
                ? line
                : throw new CliUsageException(PasswordVariable, $"No password: set ${PasswordVariable} or type it at the prompt.");
        }
        await prompt.WriteAsync(label);
        await prompt.FlushAsync();
        var password = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }
            if (key.Key == ConsoleKey.Backspace)
            {
                if (password.Length > 0)
                {
                    password.Length--;
                }
                continue;
            }
            if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }
        await prompt.WriteLineAsync();
        return password.Length > 0 ? password.ToString() : throw new CliUsageException(PasswordVariable, "No password typed.");
    }
}
