namespace NmtPractice.Grains.Tests;

/// <summary>Its own two-silo cluster, because it kills one.</summary>
public sealed class SiloFailureTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Killing_a_silo_mid_storm_loses_no_acknowledged_booking_and_allows_no_overlap()
    {
        var (chain, clinics, therapists, clients) = await Storm.SetUp(fixture.Grains, clinics: 6, roomsPerClinic: 3, therapistsPerClinic: 4, clients: 100);
        var storm = new Storm();
        var running = storm.Run(chain, clinics, therapists, clients, attempts: 1500, callers: 32, seed: 11, GrainChain.FutureDate(90), days: 4);

        // 400 attempts take a few seconds; two minutes is far beyond that even on a loaded 2-core machine, yet finite.
        var warmUp = DateTime.UtcNow.AddMinutes(2);
        while (storm.Attempted < 400)
        {
            Assert.False(running.IsCompleted, $"the storm ended after {storm.Attempted} attempts, before the kill: {running.Exception}");
            Assert.True(DateTime.UtcNow < warmUp, $"only {storm.Attempted} of 400 attempts before the kill within 2 minutes");
            await Task.Delay(20);
        }
        await fixture.Cluster.KillSiloAsync(fixture.Cluster.SecondarySilos[0]);
        var attemptedAtKill = storm.Attempted;
        // The other 1100 attempts, each bounded by the response timeout and at most three tries; five minutes is generous.
        Assert.True(await Task.WhenAny(running, Task.Delay(TimeSpan.FromMinutes(5))) == running,
            $"the storm did not finish within 5 minutes of the kill ({storm.Attempted} attempted, {storm.Outcomes.Count} answered)");
        await running;

        var outcomes = storm.Outcomes.ToList();
        var booked = outcomes.Where(o => o.Booked is not null).Select(o => o.Booked!).ToList();
        Assert.Equal(0, await fixture.Oracle.CountOverlapsAsync());
        await StormChecks.EveryAcknowledgedBookingIsInTheLedger(fixture.Ledger, booked);
        Assert.True(outcomes.Count - attemptedAtKill > 500, "the surviving silo did not carry on");
        Assert.True(outcomes.Skip(attemptedAtKill).Count(o => o.Booked is not null) > 0, "no booking succeeded after the kill");
        // A request retried after the silo died never booked twice.
        Assert.Equal(booked.Count, booked.Select(b => b.RequestId).Distinct().Count());
        foreach (var group in outcomes.Where(o => o.Booked is not null).GroupBy(o => o.RequestId))
        {
            Assert.Single(await fixture.Ledger.ListForClientAsync(group.First().Booked!.ClientId, group.First().Booked!.Start, group.First().Booked!.Start + Duration.FromMinutes(1)),
                a => a.RequestId == group.Key);
        }
    }
}
