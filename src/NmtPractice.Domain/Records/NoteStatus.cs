namespace NmtPractice.Domain.Records;

public enum NoteStatus
{
    Draft = 1,
    Signed,
}
