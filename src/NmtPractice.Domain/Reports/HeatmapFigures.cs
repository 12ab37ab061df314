namespace NmtPractice.Domain.Reports;

/// <summary>One cell of the occupancy heatmap: a local weekday and hour, summed over the period.</summary>
public sealed record HeatmapFigures(IsoDayOfWeek Weekday, int Hour, long OpenRoomMinutes, long TreatmentMinutes)
{
    /// <summary>TreatmentMinutes / OpenRoomMinutes; 0 when no room was open.</summary>
    public double Occupancy => OpenRoomMinutes == 0 ? 0 : (double)TreatmentMinutes / OpenRoomMinutes;
}
