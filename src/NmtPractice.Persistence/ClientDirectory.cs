using NmtPractice.Domain.Clients;
using NmtPractice.Persistence.Records;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace NmtPractice.Persistence;

/// <summary>
/// The client directory: the source of truth of each client's identity and contact details (the client grain reads
/// its row on activation and writes it, with the change's audit row, in one transaction), and the client search. Searching by name matches every word
/// (case-insensitive, anywhere in the name); by e-mail exactly (case-insensitive); by phone on its digits, ignoring
/// the leading zeros of the number searched for.
/// </summary>
public sealed class ClientDirectory(NpgsqlDataSource dataSource)
{
    public const int MaxResults = 500;

    private const string UpsertSql = """
        INSERT INTO client_directory (client_id, given_name, family_name, phone, email, date_of_birth, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (client_id) DO UPDATE SET given_name = excluded.given_name, family_name = excluded.family_name,
            phone = excluded.phone, email = excluded.email, date_of_birth = excluded.date_of_birth, updated_at = excluded.updated_at
        """;

    /// <summary>Writes the client's row as it is (no audit row): moving a client's old grain state here, and tests.</summary>
    public async Task UpsertAsync(Client client, Instant now, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(UpsertSql);
        AddClient(command, client, now);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The client as stored (the directory is the source of truth of identity and contact details), and whether the
    /// id was erased (tombstone in the directory, or reserved in erased_clients).
    /// </summary>
    public async Task<StoredClient> GetAsync(string clientId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT d.client_id, d.given_name, d.family_name, d.phone, d.email, d.date_of_birth,
                   d.erased_at IS NOT NULL OR e.client_id IS NOT NULL
              FROM (SELECT $1::text AS id) k
              LEFT JOIN client_directory d ON d.client_id = k.id
              LEFT JOIN erased_clients e ON e.client_id = k.id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = clientId, NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        var erased = reader.GetBoolean(6);
        if (erased || reader.IsDBNull(0))
        {
            return new StoredClient(null, erased);
        }
        return new StoredClient(
            new Client(reader.GetString(0), reader.GetString(1), reader.GetString(2), Text(reader, 3), Text(reader, 4),
                reader.IsDBNull(5) ? null : Date(reader.GetFieldValue<DateOnly>(5))),
            false);
    }

    /// <summary>
    /// Registers (<paramref name="isNew"/>) or updates the client and writes <paramref name="audit"/> in the same
    /// transaction: either both are stored or neither. False (nothing written) when a new client's id is taken or
    /// erased, or an update's client does not exist or was erased.
    /// </summary>
    public async Task<bool> SaveAsync(Client client, bool isNew, Instant now, AuditEntry audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(isNew
            ? """
              INSERT INTO client_directory (client_id, given_name, family_name, phone, email, date_of_birth, updated_at)
              SELECT $1, $2, $3, $4, $5, $6, $7
               WHERE NOT EXISTS (SELECT 1 FROM erased_clients WHERE client_id = $1)
              ON CONFLICT (client_id) DO NOTHING
              """
            : """
              UPDATE client_directory SET given_name = $2, family_name = $3, phone = $4, email = $5, date_of_birth = $6, updated_at = $7
               WHERE client_id = $1 AND erased_at IS NULL
              """, connection, tx))
        {
            AddClient(command, client, now);
            if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) != 1)
            {
                return false;
            }
        }
        await AuditLog.InsertAsync(connection, tx, audit, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The erasure tombstone: blanks the names and drops the contact details and date of birth of the client's row, and
    /// marks it erased (the erasure's transaction then deletes the row and reserves the id). True when the client
    /// exists or was erased already; false when there is no such client.
    /// </summary>
    public async Task<bool> MarkErasedAsync(string clientId, Instant now, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            WITH marked AS (
                UPDATE client_directory SET given_name = '', family_name = '', phone = NULL, email = NULL, date_of_birth = NULL,
                       erased_at = coalesce(erased_at, $2), updated_at = $2
                 WHERE client_id = $1
                RETURNING client_id)
            SELECT EXISTS (SELECT 1 FROM marked) OR EXISTS (SELECT 1 FROM erased_clients WHERE client_id = $1)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = clientId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = now.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is true;
    }

    /// <summary>Identity and contact details of these clients as stored now (erased and unknown ids are left out).</summary>
    public async Task<IReadOnlyDictionary<string, ClientSummary>> GetManyAsync(IReadOnlyCollection<string> clientIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(clientIds);
        var found = new Dictionary<string, ClientSummary>(StringComparer.Ordinal);
        if (clientIds.Count == 0)
        {
            return found;
        }
        await using var command = dataSource.CreateCommand(
            "SELECT client_id, given_name, family_name, phone, email FROM client_directory WHERE client_id = ANY($1) AND erased_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = clientIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            found[reader.GetString(0)] = new ClientSummary(reader.GetString(0), reader.GetString(1), reader.GetString(2), Text(reader, 3), Text(reader, 4));
        }
        return found;
    }

    private static void AddClient(NpgsqlCommand command, Client client, Instant now)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = client.Id, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = client.GivenName, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = client.FamilyName, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)client.Phone ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)client.Email ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = client.DateOfBirth is { } dob ? new DateOnly(dob.Year, dob.Month, dob.Day) : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter { Value = now.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
    }

    private static LocalDate Date(DateOnly date) => new(date.Year, date.Month, date.Day);

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

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
        conditions.Add("erased_at IS NULL");
        var where = "WHERE " + string.Join(" AND ", conditions);
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
