namespace NmtPractice.Cli.Output;

/// <summary>One room's share of a clinic day: treatment minutes of its live appointments over the clinic's open minutes.</summary>
public sealed record RoomUse(string RoomId, string Name, int BookedMinutes, int OpenMinutes)
{
    public double Fraction => OpenMinutes == 0 ? 0 : (double)BookedMinutes / OpenMinutes;
}
