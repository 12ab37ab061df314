namespace NmtPractice.Grains.Abstractions;

/// <summary>Grain keys. String keys carry a non-hex prefix so Orleans never reads them as numbers, and ids never contain ':' or '+'.</summary>
public static class GrainKeys
{
    public const string Chain = "chain:default";

    public static string Clinic(string clinicId) => $"clinic:{clinicId}";

    public static string Therapist(string therapistId) => $"therapist:{therapistId}";

    public static string Client(string clientId) => $"client:{clientId}";

    public static string ClinicDay(string clinicId, LocalDate date) => $"cday:{clinicId}:{date:yyyy-MM-dd}";

    public static string TherapistDay(string therapistId, LocalDate date) => $"tday:{therapistId}:{date:yyyy-MM-dd}";

    public static string ClientCalendar(string clientId) => $"ccal:{clientId}";

    public static string IdOf(IAddressable grain) => grain.GetPrimaryKeyString().Split(':', 2)[1];

    /// <summary>Splits a day-grain key "prefix:id:yyyy-MM-dd" into its id and date.</summary>
    public static (string Id, LocalDate Date) DayKey(string key)
    {
        var parts = key.Split(':');
        var date = NodaTime.Text.LocalDatePattern.Iso.Parse(parts[2]).Value;
        return (parts[1], date);
    }
}
