using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace NmtPractice.Testing;

/// <summary>Logs to xunit's diagnostic messages (shown with diagnosticMessages: true in xunit.runner.json).</summary>
public sealed class MessageSinkLogger(IMessageSink sink, LogLevel minimum = LogLevel.Information) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var text = $"[{logLevel}] {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}";
        sink.OnMessage(new DiagnosticMessage(text));
    }
}

/// <summary>Logs to a test's output (ITestOutputHelper). Output written after the test ends is dropped.</summary>
public sealed class TestOutputLogger(ITestOutputHelper output, LogLevel minimum = LogLevel.Debug) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        try
        {
            output.WriteLine($"[{logLevel}] {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished.
        }
    }
}
