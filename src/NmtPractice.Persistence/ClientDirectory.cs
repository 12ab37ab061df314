using NmtPractice.Domain.Clients;
using Npgsql;
using NodaTime;

namespace NmtPractice.Persistence;

/// <summary>
/// The client directory: a search projection of the client grains. Searching by name matches every word
/// (case-insensitive, anywhere in the name); by e-mail exactly (case-insensitive); by phone on its digits, ignoring
/// the leading zeros of the number searched for.
/// </summary>
public sealed class ClientDirectory(NpgsqlDataSource dataSource)
{
    public const int MaxResults = 500;

    public async Task UpsertAsync(Client client, Instant now, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO client_directory (client_id, given_name, family_name, phone, email, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (client_id) DO UPDATE SET given_name = excluded.given_name, family_name = excluded.family_name,
                phone = excluded.phone, email = excluded.email, updated_at = excluded.updated_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = client.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = client.GivenName });
        command.Parameters.Add(new NpgsqlParameter { Value = client.FamilyName });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)client.Phone ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)client.Email ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = now.ToDateTimeUtc() });
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Clients matching all given criteria, ordered by family name, given name and id; <paramref name="after"/> is the
    /// last client id of the previous page (keyset paging).
    /// </summary>
    public async Task<IReadOnlyList<ClientSummary>> SearchAsync(string? name, string? phone, string? email, int limit, string? after = null, CancellationToken ct = default)
    {
        var conditions = new List<string>();
        var parameters = new List<NpgsqlParameter>();
        void Add(string condition, object value)
        {
            parameters.Add(new NpgsqlParameter { Value = value });
            conditions.Add(condition.Replace("@", "$" + parameters.Count, StringComparison.Ordinal));
        }
        foreach (var word in (name ?? "").ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Add("search_name LIKE @", "%" + EscapeLike(word) + "%");
        }
        // Leading zeros (a national trunk prefix, or "00" for international) are dropped, so "020 7946 0958"
        // finds "+44 20 7946 0958".
        var digits = new string((phone ?? "").Where(char.IsAsciiDigit).ToArray()).TrimStart('0');
        if (digits.Length > 0)
        {
            Add("phone_digits LIKE @", "%" + digits + "%");
        }
        if (!string.IsNullOrWhiteSpace(email))
        {
            Add("lower(email) = @", email.Trim().ToLowerInvariant());
        }
        if (after is not null)
        {
            Add("(family_name, given_name, client_id) > (SELECT family_name, given_name, client_id FROM client_directory WHERE client_id = @)", after);
        }
        var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
        await using var command = dataSource.CreateCommand(
            $"SELECT client_id, given_name, family_name, phone, email FROM client_directory {where} ORDER BY family_name, given_name, client_id LIMIT {Math.Clamp(limit, 1, MaxResults)}");
        command.Parameters.AddRange(parameters.ToArray());
        var results = new List<ClientSummary>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            results.Add(new ClientSummary(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        return results;
    }

    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
