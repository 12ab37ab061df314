using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Google.Rpc;
using NmtPractice.Api.Security;
using NmtPractice.Tokens;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// EventService/WatchEvents over real gRPC: booking changes arrive as CloudEvents, a stream resumed from the last cursor
/// received has no gap and no duplicate, each role sees its scope only, and bad input is refused with its field.
/// Every wait is bounded by <see cref="Patience"/>.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class EventStreamTests(ApiServerFixture api)
{
    /// <summary>
    /// How long a test waits for an event: the stream polls every 100 ms; 20 s leaves room for a loaded 2-core CI
    /// machine (booking and delivery take milliseconds) without hiding a stream that never delivers.
    /// </summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private EventService.EventServiceClient Events(string token) => new(api.InvokerFor(token));

    private string Admin => TestTokens.Admin(api.SigningKey);

    private async Task<(ApiChain Chain, string ClientId)> ClinicAsync(string prefix)
    {
        var chain = new ApiChain(api, prefix + "-" + Guid.NewGuid().ToString("N")[..6]);
        await chain.CreateClinicAsync();
        await chain.CreateTherapistAsync();
        var client = await chain.RegisterClientAsync("client");
        return (chain, client.ClientId);
    }

    private async Task<Appointment> BookAsync(ApiChain chain, string clientId, int hour, int daysAhead = 3) =>
        await api.Bookings.BookAsync(new BookRequest
        {
            RequestId = ApiChain.NewRequestId(), ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, ClientId = clientId,
            TherapistId = chain.TherapistId, Start = ApiChain.At(chain.Date(daysAhead), hour),
        });

    /// <summary>Reads <paramref name="count"/> events from a live stream, within <see cref="Patience"/>.</summary>
    private static async Task<List<EventEnvelope>> TakeAsync(AsyncServerStreamingCall<EventEnvelope> call, int count)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var got = new List<EventEnvelope>();
        while (got.Count < count && await call.ResponseStream.MoveNext(timeout.Token))
        {
            got.Add(call.ResponseStream.Current);
        }
        return got;
    }

    /// <summary>Everything the caller may see of the outbox now (replay only: the stream ends when caught up).</summary>
    private static async Task<List<EventEnvelope>> ReplayAsync(EventService.EventServiceClient client, WatchEventsRequest request)
    {
        request.ReplayOnly = true;
        using var call = client.WatchEvents(request, deadline: DateTime.UtcNow + Patience);
        var got = new List<EventEnvelope>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            got.Add(call.ResponseStream.Current);
        }
        return got;
    }

    [Fact]
    public async Task A_booking_and_its_cancellation_arrive_live_as_cloud_events()
    {
        var (chain, clientId) = await ClinicAsync("ev-live");
        using var call = Events(Admin).WatchEvents(new WatchEventsRequest { ClinicIds = { chain.ClinicId } });

        var booked = await BookAsync(chain, clientId, 10);
        await api.Bookings.CancelAsync(new CancelRequest { AppointmentId = booked.AppointmentId, Reason = "client-request", RequestId = ApiChain.NewRequestId() });
        var events = await TakeAsync(call, 2);

        Assert.Equal(new[] { "nmt.appointment.booked.v1", "nmt.appointment.cancelled.v1" }, events.Select(e => e.Type));
        Assert.True(events[0].Cursor < events[1].Cursor);
        var cloudEvent = new JsonEventFormatter().DecodeStructuredModeMessage(Encoding.UTF8.GetBytes(events[0].CloudEventJson), null, null);
        Assert.Equal(CloudEventsSpecVersion.V1_0, cloudEvent.SpecVersion);
        Assert.Equal("nmt.appointment.booked.v1", cloudEvent.Type);
        Assert.Equal($"/nmt/clinics/{chain.ClinicId}", cloudEvent.Source!.ToString());
        Assert.Equal(booked.AppointmentId, cloudEvent.Subject);
        Assert.Equal(events[0].Id, cloudEvent.Id);
        Assert.Equal("application/json", cloudEvent.DataContentType);
        var data = Assert.IsType<JsonElement>(cloudEvent.Data);
        Assert.Equal(booked.AppointmentId, data.GetProperty("appointment_id").GetString());
        Assert.Equal(chain.TherapistId, data.GetProperty("therapist_id").GetString());
        Assert.Equal(booked.Start.ToDateTimeOffset(), data.GetProperty("start").GetDateTimeOffset());
        Assert.DoesNotContain(clientId, events[0].CloudEventJson, StringComparison.Ordinal);
        using var cancelled = JsonDocument.Parse(events[1].DataJson);
        Assert.Equal("client-request", cancelled.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_stream_resumed_from_the_last_cursor_received_has_no_gap_and_no_duplicate()
    {
        var (chain, clientId) = await ClinicAsync("ev-resume");
        var booked = new List<string>();
        for (var hour = 9; hour < 12; hour++)
        {
            booked.Add((await BookAsync(chain, clientId, hour)).AppointmentId);
        }

        var received = new List<EventEnvelope>();
        using (var first = Events(Admin).WatchEvents(new WatchEventsRequest { ClinicIds = { chain.ClinicId } }))
        {
            received.AddRange(await TakeAsync(first, 1));
        }
        // Disconnected: more changes happen meanwhile.
        for (var hour = 12; hour < 15; hour++)
        {
            booked.Add((await BookAsync(chain, clientId, hour)).AppointmentId);
        }

        using (var resumed = Events(Admin).WatchEvents(new WatchEventsRequest { AfterCursor = received[^1].Cursor, ClinicIds = { chain.ClinicId } }))
        {
            received.AddRange(await TakeAsync(resumed, booked.Count - 1));
        }

        Assert.Equal(booked, received.Select(e => e.Subject));
        Assert.Equal(received.Select(e => e.Cursor).Order(), received.Select(e => e.Cursor));
        Assert.Equal(received.Count, received.Select(e => e.Cursor).Distinct().Count());
    }

    [Fact]
    public async Task Each_role_sees_the_events_of_its_scope_only()
    {
        var (a, clientA) = await ClinicAsync("ev-scope-a");
        var (b, clientB) = await ClinicAsync("ev-scope-b");
        var atA = await BookAsync(a, clientA, 10);
        var atB = await BookAsync(b, clientB, 10);
        var both = new WatchEventsRequest { ClinicIds = { a.ClinicId, b.ClinicId } };

        var admin = await ReplayAsync(Events(Admin), both.Clone());
        Assert.Contains(admin, e => e.Subject == atA.AppointmentId);
        Assert.Contains(admin, e => e.Subject == atB.AppointmentId);

        foreach (var role in new[] { NmtRoles.ClinicManager, NmtRoles.FrontDesk })
        {
            var scoped = Events(TestTokens.Mint(api.SigningKey, role, [a.ClinicId]));
            var seen = await ReplayAsync(scoped, new WatchEventsRequest());
            Assert.Contains(seen, e => e.Subject == atA.AppointmentId);
            Assert.DoesNotContain(seen, e => e.Subject == atB.AppointmentId);
            var denied = await Assert.ThrowsAsync<RpcException>(() => ReplayAsync(scoped, both.Clone()));
            Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
            Assert.Equal(RpcGate.OutOfScope, denied.Detail<ErrorInfo>()?.Reason);
        }

        var own = await ReplayAsync(Events(TestTokens.Mint(api.SigningKey, NmtRoles.Therapist, [a.ClinicId], a.TherapistId)), new WatchEventsRequest());
        Assert.NotEmpty(own);
        Assert.All(own, e => Assert.Contains(a.TherapistId, e.DataJson, StringComparison.Ordinal));
        Assert.Contains(own, e => e.Subject == atA.AppointmentId);
        var other = await ReplayAsync(Events(TestTokens.Mint(api.SigningKey, NmtRoles.Therapist, [b.ClinicId], b.TherapistId)), new WatchEventsRequest());
        Assert.DoesNotContain(other, e => e.Subject == atA.AppointmentId);
        Assert.Contains(other, e => e.Subject == atB.AppointmentId);
    }

    [Fact]
    public async Task An_absence_its_cover_and_a_roster_change_leave_their_events_in_order()
    {
        var (chain, clientId) = await ClinicAsync("ev-cover");
        var colleague = await chain.CreateTherapistAsync(chain.Id("colleague"));
        var date = chain.Date(3);
        var booked = await BookAsync(chain, clientId, 10);
        var plan = await api.Staff.ReportAbsenceAsync(new ReportAbsenceRequest
        {
            RequestId = ApiChain.NewRequestId(), TherapistId = chain.TherapistId, Kind = RosterExceptionKind.Sickness,
            Start = ApiChain.At(date, 0), End = ApiChain.At(date.PlusDays(1), 0), Reason = "flu", ReachMinutes = 0,
        });
        Assert.Equal(1, (await api.Staff.ApplyCoverAsync(new ApplyCoverRequest { RequestId = ApiChain.NewRequestId(), PlanId = plan.PlanId })).Applied);
        var rosters = (await api.Staff.GetTherapistAsync(new GetTherapistRequest { TherapistId = colleague.TherapistId })).Rosters;
        await api.Staff.SetRostersAsync(new SetRostersRequest { RequestId = ApiChain.NewRequestId(), TherapistId = colleague.TherapistId, Rosters = { rosters } });

        var events = await ReplayAsync(Events(Admin), new WatchEventsRequest { ClinicIds = { chain.ClinicId } });
        Assert.Equal(
            new[]
            {
                "nmt.appointment.booked.v1", "nmt.therapist.absence_recorded.v1", "nmt.cover.proposed.v1",
                "nmt.appointment.rescheduled.v1", "nmt.cover.applied.v1", "nmt.therapist.roster_changed.v1",
            },
            events.Select(e => e.Type));
        JsonElement Data(int i) => JsonDocument.Parse(events[i].DataJson).RootElement;
        Assert.Equal($"therapists/{chain.TherapistId}", events[1].Subject);
        Assert.Equal(ApiChain.At(date, 0).ToDateTimeOffset(), Data(1).GetProperty("from").GetDateTimeOffset());
        Assert.Equal($"cover-plans/{plan.PlanId}", events[2].Subject);
        var proposed = Data(2).GetProperty("items")[0];
        Assert.Equal((booked.AppointmentId, "proposed", colleague.TherapistId),
            (proposed.GetProperty("appointment_id").GetString(), proposed.GetProperty("status").GetString(), proposed.GetProperty("new_therapist_id").GetString()));
        Assert.Equal(booked.AppointmentId, events[3].Subject);
        Assert.Equal(chain.TherapistId, Data(3).GetProperty("previous").GetProperty("therapist_id").GetString());
        Assert.Equal(colleague.TherapistId, Data(3).GetProperty("therapist_id").GetString());
        Assert.Equal("applied", Data(4).GetProperty("items")[0].GetProperty("status").GetString());
        Assert.Equal(("rosters", colleague.TherapistId), (Data(5).GetProperty("change").GetString(), Data(5).GetProperty("therapist_id").GetString()));
        // Ids and times only: not the absence's reason, not the client.
        Assert.All(events, e => Assert.DoesNotContain("flu", e.CloudEventJson, StringComparison.Ordinal));
        Assert.All(events, e => Assert.DoesNotContain(clientId, e.CloudEventJson, StringComparison.Ordinal));
        Assert.All(events, e => Assert.DoesNotContain("sickness", e.CloudEventJson, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_its_field()
    {
        var admin = Events(Admin);
        async Task<RpcException> Refused(WatchEventsRequest request) => await Assert.ThrowsAsync<RpcException>(() => ReplayAsync(admin, request));

        var negative = await Refused(new WatchEventsRequest { AfterCursor = -1 });
        Assert.Equal(StatusCode.InvalidArgument, negative.StatusCode);
        Assert.Equal(["after_cursor"], negative.ViolatedFields());

        var unknown = await Refused(new WatchEventsRequest { Types_ = { "nmt.appointment.booked.v1", "nmt.appointment.teleported.v1" } });
        Assert.Equal(StatusCode.InvalidArgument, unknown.StatusCode);
        Assert.Equal(["types"], unknown.ViolatedFields());

        var malformed = await Refused(new WatchEventsRequest { ClinicIds = { "not a clinic id!" } });
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Equal(["clinic_ids"], malformed.ViolatedFields());
    }

    [Fact]
    public async Task A_type_filter_passes_only_that_type()
    {
        var (chain, clientId) = await ClinicAsync("ev-types");
        var booked = await BookAsync(chain, clientId, 11);
        await api.Bookings.CancelAsync(new CancelRequest { AppointmentId = booked.AppointmentId, Reason = "x", RequestId = ApiChain.NewRequestId() });
        var events = await ReplayAsync(Events(Admin), new WatchEventsRequest { ClinicIds = { chain.ClinicId }, Types_ = { "nmt.appointment.cancelled.v1" } });
        Assert.Equal(new[] { booked.AppointmentId }, events.Select(e => e.Subject));
        Assert.All(events, e => Assert.Equal("nmt.appointment.cancelled.v1", e.Type));
    }
}
