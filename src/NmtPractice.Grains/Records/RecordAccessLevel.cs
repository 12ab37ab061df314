namespace NmtPractice.Grains.Records;

/// <summary>How far a caller may go into one client's record.</summary>
public enum RecordAccessLevel
{
    /// <summary>Nothing: not even whether the record exists.</summary>
    None = 0,
    /// <summary>Consents and the contraindication flag (not what the contraindications are), no intake, no notes.</summary>
    Summary,
    /// <summary>Everything clinical: intake, notes, progress (a therapist treating the client).</summary>
    Clinical,
}
