namespace NmtPractice.Persistence.Records;

/// <summary>What an erasure removed and re-keyed.</summary>
public sealed record ErasureResult(string Pseudonym, int Notes, int Consents, bool Intake, int Appointments);
