using NmtPractice.Domain.Scheduling;
using NodaTime;

namespace NmtPractice.Domain.Records;

public enum NoteStatus
{
    Draft = 1,
    Signed,
}
