namespace NmtPractice.Persistence;

/// <summary>
/// The request a ledger transition carries, so that a retry is answered instead of applied again: the caller's
/// <see cref="RequestId"/> (the idempotency key), the <see cref="Operation"/> ("confirm", "cancel", "reschedule", ...)
/// and a <see cref="Fingerprint"/> of everything that makes the request this request (operation, appointment,
/// parameters, caller). The ledger records it in the transition's own transaction (table appointment_requests).
/// </summary>
public sealed record LedgerRequest(string RequestId, string Operation, byte[] Fingerprint)
{
    public bool SameFingerprint(ReadOnlySpan<byte> other) => other.SequenceEqual(Fingerprint);
}
