namespace NmtPractice.Domain.Staff;

/// <summary>Travel time between two clinics, the same in both directions.</summary>
public sealed record TravelTime(string ClinicA, string ClinicB, Duration Duration);
