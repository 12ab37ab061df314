using System.Text;
using NmtPractice.Grains.Abstractions.Cover;
using NmtPractice.Grains.Cover;
using NmtPractice.Hosting;
using NmtPractice.Testing;
using NodaTime;
using Npgsql;

namespace NmtPractice.Persistence.Tests;

/// <summary>
/// Migration 0010 blanks the client names and phones that cover plans stored by earlier versions kept in their Orleans
/// state, and leaves the rest of the state, and every other grain's state, as it was.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CoverPlanStripMigrationTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Names_and_phones_in_stored_cover_plans_are_blanked_and_the_plan_still_reads()
    {
        var cs = await fixture.CreateDatabaseAsync("strip");
        await using var ds = NpgsqlDataSource.Create(cs);
        var at = Instant.FromUtc(2026, 6, 1, 9, 0);
        // A name with characters System.Text.Json escapes (quote, backslash, non-ASCII, '+').
        CoverItem Item(string name, string? phone) => new(Guid.NewGuid(), "k-" + name.Length, name, phone, "nmt60", at, at + Duration.FromHours(1),
            "c1", "t1", "r1", CoverItemStatus.Uncovered, Reason: "nobody free");
        var items = new[] { Item("Zoë \"Zed\" O'Brien\\Smythe", "+44 7700 900123"), Item("Plain Name", null) };
        var state = new CoverPlanState { Plan = new CoverPlan(Guid.NewGuid(), "t1", at, at + Duration.FromDays(1), "sickness", at, items) };
        state.Outcomes["r1"] = new CoverOutcome(state.Plan.PlanId, "r1", [items[0]]);
        var legacy = NmtSilo.StateSerializer.Serialize(state).ToArray();
        var other = Encoding.UTF8.GetBytes("{\"Client\":{\"GivenName\":\"Kept\",\"ClientName\":\"not a plan\"}}");
        Assert.Contains("7700 900123", Encoding.UTF8.GetString(legacy), StringComparison.Ordinal);
        await Insert(ds, "coverplan", 1, legacy);
        await Insert(ds, "client", 2, other);

        var migration = Migrator.LoadEmbedded().Single(m => m.Name.StartsWith("0010_", StringComparison.Ordinal));
        // Migrations run as the owner role, as `migrate` does.
        await using (var owner = NpgsqlDataSource.Create(fixture.AsOwner(cs)))
        await using (var command = owner.CreateCommand(migration.Sql))
        {
            await command.ExecuteNonQueryAsync();
        }

        var stripped = await Payload(ds, "coverplan");
        var text = Encoding.UTF8.GetString(stripped);
        foreach (var needle in new[] { "Zed", "Brien", "Smythe", "Plain Name", "7700 900123" })
        {
            Assert.DoesNotContain(needle, text, StringComparison.Ordinal);
        }
        var read = NmtSilo.StateSerializer.Deserialize<CoverPlanState>(new BinaryData(stripped));
        Assert.Equal(state.Plan.PlanId, read!.Plan!.PlanId);
        Assert.Equal(items.Select(i => (i.AppointmentId, "", (string?)null, i.Reason)),
            read.Plan.Items.Select(i => (i.AppointmentId, i.ClientName, i.ClientPhone, i.Reason)));
        Assert.Equal(("", (string?)null), (read.Outcomes["r1"].Items[0].ClientName, read.Outcomes["r1"].Items[0].ClientPhone));
        Assert.Equal(other, await Payload(ds, "client"));
    }

    private static async Task Insert(NpgsqlDataSource ds, string stateName, long n0, byte[] payload)
    {
        await using var command = ds.CreateCommand("""
            INSERT INTO orleans_storage (service_id, grain_type_string, grain_id_n0, grain_id_n1, grain_id_extension_string,
                                         grain_id_hash, grain_type_hash, payload_binary, version)
            VALUES ('svc', $1, $2, 0, NULL, 0, 0, $3, 1)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = stateName });
        command.Parameters.Add(new NpgsqlParameter { Value = n0 });
        command.Parameters.Add(new NpgsqlParameter { Value = payload });
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<byte[]> Payload(NpgsqlDataSource ds, string stateName)
    {
        await using var command = ds.CreateCommand("SELECT payload_binary FROM orleans_storage WHERE grain_type_string = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = stateName });
        return (byte[])(await command.ExecuteScalarAsync())!;
    }
}
