namespace NmtPractice.Cli;

/// <summary>A value on the command line that cannot be used (exit code 2), naming the option it came from.</summary>
public sealed class CliUsageException(string field, string message) : Exception(message)
{
    public CliUsageException() : this("", "Invalid command line.") { }

    public CliUsageException(string message) : this("", message) { }

    public CliUsageException(string message, Exception innerException) : this("", message) => _ = innerException;

    /// <summary>The option or argument, e.g. "--at"; empty when the error is not about one value.</summary>
    public string Field { get; } = field;
}
