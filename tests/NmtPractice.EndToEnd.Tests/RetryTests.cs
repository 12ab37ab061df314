using System.Globalization;
using Google.Rpc;
using NmtPractice.Api.Grpc;
using Npgsql;
using IMessage = Google.Protobuf.IMessage;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// Every mutation is safe to retry with its request id, over real gRPC: the same request (same id, parameters and
/// caller) gets the first answer and has one effect; the same id with other parameters (or from another caller) is
/// refused FAILED_PRECONDITION REQUEST_ID_REUSED and changes nothing; a concurrent duplicate pair gets one answer and
/// one effect. Appointment changes are keyed by the ledger (in the transaction of the change), the other mutations by
/// the gateway's request log.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RetryTests(ApiServerFixture api)
{
    private Metadata Admin => As("retry-admin");

    private Metadata As(string subject) =>
        new() { { "authorization", "Bearer " + TestTokens.Mint(api.SigningKey, "chain-admin", subject: subject) } };

    private static void AssertReused(RpcException e)
    {
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Equal("REQUEST_ID_REUSED", e.Detail<ErrorInfo>()?.Reason);
    }

    private async Task<ApiChain> NewChainAsync()
    {
        var chain = new ApiChain(api, "rt" + Guid.NewGuid().ToString("N")[..6]);
        await chain.CreateClinicAsync();
        await chain.CreateTherapistAsync();
        return chain;
    }

    private async Task<long> AuditRowsAsync(string action, string appointmentId)
    {
        await using var data = NpgsqlDataSource.Create(api.ConnectionString);
        await using var cmd = data.CreateCommand("SELECT count(*) FROM audit_log WHERE action = $1 AND appointment_id = $2");
        cmd.Parameters.AddWithValue(action);
        cmd.Parameters.AddWithValue(Guid.Parse(appointmentId));
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private Task<Appointment> GetAsync(Appointment a) =>
        api.Bookings.GetAppointmentAsync(new GetAppointmentRequest { AppointmentId = a.AppointmentId }).ResponseAsync;

    public static TheoryData<string> Transitions => new() { "confirm", "cancel", "reschedule", "checkin", "complete", "noshow" };

    [Theory]
    [MemberData(nameof(Transitions))]
    public async Task An_appointment_change_retried_with_its_request_id_answers_as_the_first_time_and_changes_once(string operation)
    {
        var chain = await NewChainAsync();
        var ann = await chain.RegisterClientAsync("ann");
        var bob = await chain.RegisterClientAsync("bob");
        var date = chain.Date(4);
        Timestamp start;
        if (operation == "noshow")
        {
            // A no-show needs the start behind the clock: book just ahead of now, then let the fixture's clock pass it.
            // The second client's appointment starts an hour later: both on one local day.
            start = WireFormat.ToTimestamp(ApiChain.SoonOnOneDay(api.Clock, Duration.FromHours(2)));
        }
        else
        {
            start = ApiChain.At(date, 10);
        }
        async Task<Appointment> Make(V1.Client client)
        {
            var made = operation == "confirm"
                ? await api.Bookings.HoldAsync(new HoldRequest { RequestId = ApiChain.NewRequestId(), ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, ClientId = client.ClientId, Start = start, HoldMinutes = 30 })
                : await api.Bookings.BookAsync(new BookRequest { RequestId = ApiChain.NewRequestId(), ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, ClientId = client.ClientId, Start = start });
            return operation == "complete"
                ? await api.Bookings.CheckInAsync(new CheckInRequest { RequestId = ApiChain.NewRequestId(), AppointmentId = made.AppointmentId })
                : made;
        }
        // Two rooms, one therapist: the two clients' appointments need different times for the therapist.
        var mine = await Make(ann);
        start = WireFormat.ToTimestamp(Instant.FromDateTimeUtc(start.ToDateTime()) + Duration.FromHours(1));
        var other = await Make(bob);
        if (operation == "noshow")
        {
            api.Clock.Advance(Duration.FromMinutes(95));
        }

        // variant 0: the request; 1: the same operation with other parameters (or on another appointment).
        Task<Appointment> Call(string rid, int variant) => operation switch
        {
            "confirm" => api.Bookings.ConfirmHoldAsync(new ConfirmHoldRequest { RequestId = rid, AppointmentId = variant == 0 ? mine.AppointmentId : other.AppointmentId }).ResponseAsync,
            "cancel" => api.Bookings.CancelAsync(new CancelRequest { RequestId = rid, AppointmentId = mine.AppointmentId, Reason = variant == 0 ? "client rang" : "client unwell" }).ResponseAsync,
            "reschedule" => api.Bookings.RescheduleAsync(new RescheduleRequest { RequestId = rid, AppointmentId = mine.AppointmentId, NewStart = ApiChain.At(date, variant == 0 ? 14 : 16) }).ResponseAsync,
            "checkin" => api.Bookings.CheckInAsync(new CheckInRequest { RequestId = rid, AppointmentId = variant == 0 ? mine.AppointmentId : other.AppointmentId }).ResponseAsync,
            "complete" => api.Bookings.CompleteAsync(new CompleteRequest { RequestId = rid, AppointmentId = variant == 0 ? mine.AppointmentId : other.AppointmentId }).ResponseAsync,
            "noshow" => api.Bookings.MarkNoShowAsync(new MarkNoShowRequest { RequestId = rid, AppointmentId = variant == 0 ? mine.AppointmentId : other.AppointmentId }).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };
        var action = operation switch
        {
            "confirm" => "booking.confirm",
            "cancel" => "booking.cancel",
            "reschedule" => "booking.reschedule",
            "checkin" => "booking.checkin",
            "complete" => "booking.complete",
            _ => "booking.noshow",
        };

        var rid = ApiChain.NewRequestId();
        var first = await Call(rid, 0);
        Assert.Equal(mine.Version + 1, first.Version);
        var retry = await Call(rid, 0);
        Assert.Equal(first, retry);
        Assert.Equal(first, await GetAsync(mine));
        Assert.Equal(1, await AuditRowsAsync(action, mine.AppointmentId));

        AssertReused(await Assert.ThrowsAsync<RpcException>(() => Call(rid, 1)));
        // Another caller with the very same request is another request too.
        AssertReused(await Assert.ThrowsAsync<RpcException>(() => Call2(rid)));
        Assert.Equal(first, await GetAsync(mine));
        Assert.Equal(other, await GetAsync(other));
        Assert.Equal(1, await AuditRowsAsync(action, mine.AppointmentId));

        // The same request (same id, same fields) from another caller.
        Task<Appointment> Call2(string id) => operation switch
        {
            "confirm" => Client("someone-else").ConfirmHoldAsync(new ConfirmHoldRequest { RequestId = id, AppointmentId = mine.AppointmentId }).ResponseAsync,
            "cancel" => Client("someone-else").CancelAsync(new CancelRequest { RequestId = id, AppointmentId = mine.AppointmentId, Reason = "client rang" }).ResponseAsync,
            "reschedule" => Client("someone-else").RescheduleAsync(new RescheduleRequest { RequestId = id, AppointmentId = mine.AppointmentId, NewStart = ApiChain.At(date, 14) }).ResponseAsync,
            "checkin" => Client("someone-else").CheckInAsync(new CheckInRequest { RequestId = id, AppointmentId = mine.AppointmentId }).ResponseAsync,
            "complete" => Client("someone-else").CompleteAsync(new CompleteRequest { RequestId = id, AppointmentId = mine.AppointmentId }).ResponseAsync,
            _ => Client("someone-else").MarkNoShowAsync(new MarkNoShowRequest { RequestId = id, AppointmentId = mine.AppointmentId }).ResponseAsync,
        };
    }

    private BookingService.BookingServiceClient Client(string subject) =>
        new(api.Channel.WithToken(TestTokens.Mint(api.SigningKey, "chain-admin", subject: subject)));

    [Fact]
    public async Task A_concurrent_duplicate_pair_of_confirmations_confirms_once_and_both_get_the_answer()
    {
        var chain = await NewChainAsync();
        var client = await chain.RegisterClientAsync("cat");
        var hold = await api.Bookings.HoldAsync(new HoldRequest
        {
            RequestId = ApiChain.NewRequestId(), ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, ClientId = client.ClientId, Start = ApiChain.At(chain.Date(5), 11),
        });
        var confirm = new ConfirmHoldRequest { RequestId = ApiChain.NewRequestId(), AppointmentId = hold.AppointmentId };
        var both = await Task.WhenAll(api.Bookings.ConfirmHoldAsync(confirm).ResponseAsync, api.Bookings.ConfirmHoldAsync(confirm).ResponseAsync);
        Assert.Equal(both[0], both[1]);
        Assert.Equal((AppointmentStatus.Booked, hold.Version + 1), (both[0].Status, both[0].Version));
        Assert.Equal(1, await AuditRowsAsync("booking.confirm", hold.AppointmentId));
    }

    [Fact]
    public async Task A_booking_request_id_reused_for_another_slot_is_refused_and_books_nothing()
    {
        var chain = await NewChainAsync();
        var client = await chain.RegisterClientAsync("dan");
        var date = chain.Date(6);
        var book = new BookRequest { RequestId = ApiChain.NewRequestId(), ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, ClientId = client.ClientId, Start = ApiChain.At(date, 9) };
        var pair = await Task.WhenAll(api.Bookings.BookAsync(book).ResponseAsync, api.Bookings.BookAsync(book).ResponseAsync);
        Assert.Equal(pair[0].AppointmentId, pair[1].AppointmentId);
        Assert.Equal(pair[0].AppointmentId, (await api.Bookings.BookAsync(book)).AppointmentId);

        var elsewhere = book.Clone();
        elsewhere.Start = ApiChain.At(date, 13);
        AssertReused(await Assert.ThrowsAsync<RpcException>(async () => await api.Bookings.BookAsync(elsewhere)));
        AssertReused(await Assert.ThrowsAsync<RpcException>(async () => await api.Bookings.HoldAsync(new HoldRequest
        {
            RequestId = book.RequestId, ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, ClientId = client.ClientId, Start = ApiChain.At(date, 15),
        })));
        var day = await api.Bookings.ListClinicDayAsync(new ListClinicDayRequest { ClinicId = chain.ClinicId, Date = ApiChain.Iso(date) });
        Assert.Equal([pair[0].AppointmentId], day.Appointments.Select(a => a.AppointmentId));
    }

    /// <summary>One case of the request log: a call by request id and variant (0 the request, 1 other parameters), and the state it changes.</summary>
    public sealed record LoggedCase(Func<string, int, Task<IMessage>> Call, Func<Task<string>> State);

    public static TheoryData<string> LoggedFamilies => new()
    {
        "clinic.AddClosure", "staff.CreateTherapist", "staff.ReportAbsence", "client.RegisterClient", "client.UpdateClient", "record.RecordConsent",
    };

    private async Task<LoggedCase> PrepareAsync(string family, ApiChain chain)
    {
        var records = new ClientRecordService.ClientRecordServiceClient(api.Channel);
        switch (family)
        {
            case "clinic.AddClosure":
                return new(
                    async (rid, v) => await api.Clinics.AddClosureAsync(new AddClosureRequest
                    {
                        RequestId = rid, ClinicId = chain.ClinicId,
                        Closure = new Closure { FirstDate = ApiChain.Iso(chain.Date(40 + v)), LastDate = ApiChain.Iso(chain.Date(40 + v)), Reason = "bank holiday" },
                    }),
                    async () => (await api.Clinics.GetClinicAsync(new GetClinicRequest { ClinicId = chain.ClinicId })).Closures.Count.ToString(CultureInfo.InvariantCulture));
            case "staff.CreateTherapist":
                return new(
                    async (rid, v) => await api.Staff.CreateTherapistAsync(Wire.CreateTherapist(chain.Therapist(chain.Id("new")) with { Name = v == 0 ? "Nina" : "Nora" }, rid)),
                    async () =>
                    {
                        try
                        {
                            return (await api.Staff.GetTherapistAsync(new GetTherapistRequest { TherapistId = chain.Id("new") })).Name;
                        }
                        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                        {
                            return "none";
                        }
                    });
            case "staff.ReportAbsence":
                return new(
                    async (rid, v) => await api.Staff.ReportAbsenceAsync(new ReportAbsenceRequest
                    {
                        RequestId = rid, TherapistId = chain.TherapistId, Kind = RosterExceptionKind.Sickness,
                        Start = ApiChain.At(chain.Date(20), 9), End = ApiChain.At(chain.Date(20), v == 0 ? 17 : 18), Reason = "flu",
                    }),
                    async () => (await api.Staff.GetTherapistAsync(new GetTherapistRequest { TherapistId = chain.TherapistId })).Exceptions.Count.ToString(CultureInfo.InvariantCulture));
            case "client.RegisterClient":
                return new(
                    async (rid, v) => await api.Clients.RegisterClientAsync(new RegisterClientRequest
                    {
                        RequestId = rid, Client = new V1.Client { ClientId = chain.Id("eve"), GivenName = v == 0 ? "Eve" : "Eva", FamilyName = "Retry", Phone = "+44 20 7946 0001" },
                    }),
                    async () =>
                    {
                        try
                        {
                            return (await api.Clients.GetClientAsync(new GetClientRequest { ClientId = chain.Id("eve") })).GivenName;
                        }
                        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                        {
                            return "none";
                        }
                    });
            case "client.UpdateClient":
                await chain.RegisterClientAsync("fay");
                return new(
                    async (rid, v) => await api.Clients.UpdateClientAsync(new UpdateClientRequest
                    {
                        RequestId = rid, Client = new V1.Client { ClientId = chain.Id("fay"), GivenName = "Fay", FamilyName = "Retry", Phone = v == 0 ? "+44 20 7946 0002" : "+44 20 7946 0003" },
                    }),
                    async () => (await api.Clients.GetClientAsync(new GetClientRequest { ClientId = chain.Id("fay") })).Phone);
            case "record.RecordConsent":
                var gil = await chain.RegisterClientAsync("gil");
                return new(
                    async (rid, v) => await records.RecordConsentAsync(new RecordConsentRequest { RequestId = rid, ClientId = gil.ClientId, Kind = v == 0 ? "treatment" : "marketing" }, Admin),
                    async () => (await records.GetRecordAsync(new GetRecordRequest { ClientId = gil.ClientId }, Admin)).Consents.Count.ToString(CultureInfo.InvariantCulture));
            default:
                throw new ArgumentOutOfRangeException(nameof(family));
        }
    }

    [Theory]
    [MemberData(nameof(LoggedFamilies))]
    public async Task A_logged_mutation_retried_with_its_request_id_answers_as_the_first_time_and_changes_once(string family)
    {
        var chain = await NewChainAsync();
        var c = await PrepareAsync(family, chain);
        var before = await c.State();

        var rid = ApiChain.NewRequestId();
        var first = await c.Call(rid, 0);
        var after = await c.State();
        Assert.NotEqual(before, after);
        Assert.Equal(first, await c.Call(rid, 0));
        Assert.Equal(after, await c.State());

        AssertReused(await Assert.ThrowsAsync<RpcException>(() => c.Call(rid, 1)));
        Assert.Equal(after, await c.State());
    }

    [Fact]
    public async Task A_concurrent_duplicate_pair_of_logged_mutations_has_one_effect_and_one_answer()
    {
        var chain = await NewChainAsync();
        var client = await chain.RegisterClientAsync("hal");
        var records = new ClientRecordService.ClientRecordServiceClient(api.Channel);
        var consent = new RecordConsentRequest { RequestId = ApiChain.NewRequestId(), ClientId = client.ClientId, Kind = "treatment" };
        var pair = await Task.WhenAll(
            records.RecordConsentAsync(consent, Admin).ResponseAsync,
            records.RecordConsentAsync(consent, Admin).ResponseAsync,
            records.RecordConsentAsync(consent, Admin).ResponseAsync);
        Assert.Single(pair.Select(p => p.ConsentId).Distinct());
        Assert.Single((await records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId }, Admin)).Consents);

        // The same request from another caller is another request: refused, nothing recorded.
        AssertReused(await Assert.ThrowsAsync<RpcException>(async () => await records.RecordConsentAsync(consent, As("someone-else"))));
        // Without a request id there is no idempotency (as before): each call records a consent.
        var anonymous = new RecordConsentRequest { ClientId = client.ClientId, Kind = "treatment" };
        await records.RecordConsentAsync(anonymous, Admin);
        await records.RecordConsentAsync(anonymous, Admin);
        Assert.Equal(3, (await records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId }, Admin)).Consents.Count);
    }

    [Fact]
    public async Task Erasing_a_client_forgets_the_stored_answers_that_carried_their_details()
    {
        var chain = await NewChainAsync();
        var name = "Ivy" + Guid.NewGuid().ToString("N")[..8];
        var client = await api.Clients.RegisterClientAsync(new RegisterClientRequest
        {
            RequestId = ApiChain.NewRequestId(), Client = new V1.Client { ClientId = chain.Id("ivy"), GivenName = name, FamilyName = "Erased", Phone = "+44 20 7946 0009" },
        });
        Assert.Equal(1, await StoredAnswersNamingAsync(name));
        await new ClientRecordService.ClientRecordServiceClient(api.Channel).EraseClientAsync(
            new EraseClientRequest { RequestId = ApiChain.NewRequestId(), ClientId = client.ClientId }, Admin);
        Assert.Equal(0, await StoredAnswersNamingAsync(name));
    }

    private async Task<long> StoredAnswersNamingAsync(string text)
    {
        await using var data = NpgsqlDataSource.Create(api.ConnectionString);
        await using var cmd = data.CreateCommand("SELECT count(*) FROM request_log WHERE position(convert_to($1, 'UTF8') IN coalesce(response, ''::bytea)) > 0");
        cmd.Parameters.AddWithValue(text);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
