using NodaTime;

namespace NmtPractice.Persistence.Records;

/// <summary>An audit row as stored; <see cref="At"/> is the database's clock at insert.</summary>
public sealed record AuditRow(long Id, Instant At, AuditEntry Entry);
