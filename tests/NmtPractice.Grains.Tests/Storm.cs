using System.Collections.Concurrent;

namespace NmtPractice.Grains.Tests;

/// <summary>
/// A seeded stream of random booking attempts across a test chain, run by concurrent callers. Each attempt may be
/// retried with its own request id after a transient failure (a silo died under it: message rejected or timed out),
/// as a real client would; any other exception fails the test.
/// </summary>
public sealed class Storm
{
    public sealed record Outcome(string RequestId, AppointmentRecord? Booked, Refusal? Refused, Exception? Failed);

    public ConcurrentBag<Outcome> Outcomes { get; } = [];

    public int Attempted;

    public static async Task<(GrainChain Chain, List<Clinic> Clinics, List<Therapist> Therapists, List<Client> Clients)> SetUp(
        IGrainFactory grains, int clinics, int roomsPerClinic, int therapistsPerClinic, int clients)
    {
        var chain = new GrainChain(grains, Guid.NewGuid().ToString("N")[..8]);
        var clinicList = new List<Clinic>();
        for (var i = 0; i < clinics; i++)
        {
            clinicList.Add(await chain.Clinic($"k{i}", i % 2 == 0 ? "Europe/London" : "Europe/Dublin", roomsPerClinic));
        }
        var therapists = new List<Therapist>();
        for (var i = 0; i < clinics; i++)
        {
            for (var j = 0; j < therapistsPerClinic; j++)
            {
                // Every third therapist also works at the next clinic, so travel rules come into play.
                var where = j % 3 == 0 ? new[] { clinicList[i].Id, clinicList[(i + 1) % clinics].Id } : [clinicList[i].Id];
                therapists.Add(await chain.Therapist($"t{i}-{j}", where));
            }
        }
        var clientList = (await Task.WhenAll(Enumerable.Range(0, clients).Select(i => chain.Client($"c{i}")))).ToList();
        return (chain, clinicList, therapists, clientList);
    }

    public async Task Run(GrainChain chain, List<Clinic> clinics, List<Therapist> therapists, List<Client> clients,
        int attempts, int callers, int seed, LocalDate firstDay, int days, CancellationToken stop = default)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= attempts)
                {
                    return;
                }
                var random = new Random(seed * 100_003 + i);
                var clinic = clinics[random.Next(clinics.Count)];
                var rostered = therapists.Where(t => t.Rosters.Any(r => r.ClinicId == clinic.Id)).ToList();
                var therapist = random.Next(4) == 0 ? null : rostered[random.Next(rostered.Count)].Id;
                var room = random.Next(3) == 0 ? $"r{random.Next(clinic.Rooms.Count) + 1}" : null;
                var service = random.Next(2) == 0 ? GrainChain.Nmt60 : GrainChain.Trigger30;
                var date = firstDay.PlusDays(random.Next(days));
                var start = GrainChain.At(date, 8, 0, clinic.TimeZoneId) + Duration.FromMinutes(15 * random.Next(44));
                var client = clients[random.Next(clients.Count)].Id;
                var requestId = $"storm-{seed}-{i}";
                Interlocked.Increment(ref Attempted);
                Outcomes.Add(await Attempt(chain, clinic.Id, therapist, client, start, service, room, requestId));
            }
        })));
    }

    private static async Task<Outcome> Attempt(GrainChain chain, string clinicId, string? therapistId, string clientId, Instant start, string service, string? room, string requestId)
    {
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                var result = await chain.Book(clinicId, therapistId, clientId, start, service, room, requestId);
                return new Outcome(requestId, result.Value, result.Refusal, null);
            }
            catch (Exception e) when (IsTransient(e))
            {
                last = e;
                await Task.Delay(200);
            }
            catch (Exception e)
            {
                // Anything else is a bug the storm must not hide behind a retry.
                throw new Xunit.Sdk.XunitException($"storm request {requestId} (attempt {attempt + 1}) failed with a non-transient {e.GetType().FullName}: {e}");
            }
        }
        return new Outcome(requestId, null, null, last);
    }

    /// <summary>
    /// What a real client retries with the same request id: the silo that held the grain died or could not be reached
    /// (the message was rejected, or no answer came within the response timeout). Everything else is a fault.
    /// </summary>
    public static bool IsTransient(Exception e) => e is Orleans.Runtime.OrleansMessageRejectionException or TimeoutException;
}
