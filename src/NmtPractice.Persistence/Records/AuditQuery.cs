using NodaTime;

namespace NmtPractice.Persistence.Records;

/// <summary>
/// Filters of an audit query (all optional, combined with AND). <see cref="ClinicScope"/> limits rows to those clinics
/// (a clinic manager's scope); null means every clinic. [From, To) on the row's time. Rows come in id order (the
/// order they were written), after <see cref="AfterId"/> (keyset paging).
/// </summary>
public sealed record AuditQuery(
    string? ClientId = null,
    string? ActorSubject = null,
    string? ClinicId = null,
    string? Action = null,
    Instant? From = null,
    Instant? To = null,
    long? AfterId = null,
    IReadOnlyList<string>? ClinicScope = null);
