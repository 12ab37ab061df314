using System.Data.Common;
using NmtPractice.Domain.Appointments;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace NmtPractice.Persistence;

/// <summary>
/// The appointments table's 17 columns, named once, in the order of <see cref="AppointmentRecord"/>'s parameters: every
/// SELECT and RETURNING of a whole row uses <see cref="List"/> and reads it back with <see cref="Read"/>; the seed's
/// bulk COPY writes it with <see cref="WriteAsync"/>. The ledger's SQL functions (ledger_insert_many in
/// 0001_ledger.sql, ledger_reassign in 0004_ledger_reassign.sql) return the same columns in the same order.
/// </summary>
public static class AppointmentColumns
{
    public const string List =
        "id, request_id, clinic_id, therapist_id, room_id, client_id, service_id, starts_at, ends_at, room_free_at, "
        + "status, hold_expires_at, cancel_reason, cancelled_late, created_at, updated_at, version";

    /// <summary>Reads the columns, in <see cref="List"/> order, starting at <paramref name="o"/>.</summary>
    public static AppointmentRecord Read(DbDataReader r, int o)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(
            r.GetGuid(o),
            r.GetString(o + 1),
            r.GetString(o + 2),
            r.GetString(o + 3),
            r.GetString(o + 4),
            r.GetString(o + 5),
            r.GetString(o + 6),
            ReadInstant(r, o + 7),
            ReadInstant(r, o + 8),
            ReadInstant(r, o + 9),
            AppointmentStatusNames.Parse(r.GetString(o + 10)),
            r.IsDBNull(o + 11) ? null : ReadInstant(r, o + 11),
            r.IsDBNull(o + 12) ? null : r.GetString(o + 12),
            r.GetBoolean(o + 13),
            ReadInstant(r, o + 14),
            ReadInstant(r, o + 15),
            r.GetInt32(o + 16));
    }

    /// <summary>Writes <paramref name="a"/> as one row of a binary <c>COPY appointments (List) FROM STDIN</c>.</summary>
    public static async Task WriteAsync(NpgsqlBinaryImporter writer, AppointmentRecord a, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(a);
        await writer.StartRowAsync(ct).ConfigureAwait(false);
        await writer.WriteAsync(a.Id, NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
        await writer.WriteAsync(a.RequestId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
        await writer.WriteAsync(a.ClinicId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
        await writer.WriteAsync(a.TherapistId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
        await writer.WriteAsync(a.RoomId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
        await writer.WriteAsync(a.ClientId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
        await writer.WriteAsync(a.ServiceId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
        await writer.WriteAsync(a.Start.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
        await writer.WriteAsync(a.End.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
        await writer.WriteAsync(a.RoomFreeAt.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
        await writer.WriteAsync(a.Status.ToFhir(), NpgsqlDbType.Text, ct).ConfigureAwait(false);
        if (a.HoldExpiresAt is { } holdExpiresAt)
        {
            await writer.WriteAsync(holdExpiresAt.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
        }
        else
        {
            await writer.WriteNullAsync(ct).ConfigureAwait(false);
        }
        if (a.CancelReason is null)
        {
            await writer.WriteNullAsync(ct).ConfigureAwait(false);
        }
        else
        {
            await writer.WriteAsync(a.CancelReason, NpgsqlDbType.Text, ct).ConfigureAwait(false);
        }
        await writer.WriteAsync(a.CancelledLate, NpgsqlDbType.Boolean, ct).ConfigureAwait(false);
        await writer.WriteAsync(a.CreatedAt.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
        await writer.WriteAsync(a.UpdatedAt.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
        await writer.WriteAsync(a.Version, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
    }

    private static Instant ReadInstant(DbDataReader r, int ordinal) =>
        Instant.FromDateTimeUtc(DateTime.SpecifyKind(r.GetDateTime(ordinal), DateTimeKind.Utc));
}
