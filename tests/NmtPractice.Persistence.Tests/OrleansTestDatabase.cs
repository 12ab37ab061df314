using System.Data;
using System.Reflection;
using Npgsql;
using NmtPractice.Persistence.OrleansAdoNet;

namespace NmtPractice.Persistence.Tests;

/// <summary>
/// A migrated test database (from the shared <c>PostgresFixture</c>) plus helpers that run our
/// stored Orleans query texts the way Orleans binds them.
/// </summary>
public sealed class OrleansTestDatabase(string connectionString)
{
    public string ConnectionString { get; } = connectionString;

    /// <summary>The embedded Orleans migration files, in ordinal name order.</summary>
    public static IReadOnlyList<(string Name, string Sql)> OrleansMigrationScripts()
    {
        var assembly = typeof(OrleansAdoNetSchema).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.Contains("_orleans_", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n, Read(assembly, n)))];
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Reads a stored query text from orleansquery.</summary>
    public async Task<string> QueryTextAsync(string key)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT querytext FROM orleansquery WHERE querykey = @k", connection);
        command.Parameters.AddWithValue("k", key);
        return (string)(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"No query {key}"));
    }

    /// <summary>
    /// Runs a stored query the way Orleans' RelationalStorage binds it: parameter names without
    /// the @, DbType set explicitly from the CLR type (int, long, string, DateTime, byte[]).
    /// Returns the rows as case-insensitive column dictionaries.
    /// </summary>
    public async Task<List<Dictionary<string, object?>>> RunStoredQueryAsync(string key, params (string Name, object? Value, DbType Type)[] parameters)
    {
        var text = await QueryTextAsync(key);
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = text;
        foreach (var (name, value, type) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            p.DbType = type;
            command.Parameters.Add(p);
        }

        var rows = new List<Dictionary<string, object?>>();
        await using var reader = await command.ExecuteReaderAsync();
        do
        {
            while (await reader.ReadAsync())
            {
                var row = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                rows.Add(row);
            }
        }
        while (await reader.NextResultAsync());

        return rows;
    }

    public static (string, object?, DbType) P(string name, int value) => (name, value, DbType.Int32);

    public static (string, object?, DbType) P(string name, int? value) => (name, value, DbType.Int32);

    public static (string, object?, DbType) P(string name, long value) => (name, value, DbType.Int64);

    public static (string, object?, DbType) P(string name, string? value) => (name, value, DbType.String);

    public static (string, object?, DbType) P(string name, DateTime value) => (name, value, DbType.DateTime);

    public static (string, object?, DbType) P(string name, byte[]? value) => (name, value, DbType.Binary);

    /// <summary>Orleans binds IP addresses as DbType.AnsiString.</summary>
    public static (string, object?, DbType) Ansi(string name, string value) => (name, value, DbType.AnsiString);
}
