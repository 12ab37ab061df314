using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using NmtPractice.Api.V1;
using NmtPractice.Cli;
using NmtPractice.Cli.Output;
using RpcStatus = Google.Rpc.Status;

namespace NmtPractice.Cli.Tests;

public sealed class ErrorReportTests
{
    [Theory]
    [InlineData(StatusCode.OK, 0)]
    [InlineData(StatusCode.InvalidArgument, 2)]
    [InlineData(StatusCode.OutOfRange, 2)]
    [InlineData(StatusCode.NotFound, 3)]
    [InlineData(StatusCode.FailedPrecondition, 4)]
    [InlineData(StatusCode.AlreadyExists, 4)]
    [InlineData(StatusCode.Aborted, 4)]
    [InlineData(StatusCode.Unavailable, 5)]
    [InlineData(StatusCode.DeadlineExceeded, 5)]
    [InlineData(StatusCode.Internal, 1)]
    [InlineData(StatusCode.Unknown, 1)]
    [InlineData(StatusCode.Unimplemented, 1)]
    [InlineData(StatusCode.PermissionDenied, 6)]
    [InlineData(StatusCode.Unauthenticated, 6)]
    [InlineData(StatusCode.Cancelled, 1)]
    public void Exit_code_of_each_status(StatusCode code, int exitCode)
    {
        Assert.Equal(exitCode, ExitCodes.For(code));
        Assert.Equal(exitCode, ErrorReport.From(new RpcException(new Grpc.Core.Status(code, "x"))).ExitCode);
    }

    [Fact]
    public void A_roster_change_that_would_strand_bookings_lists_them_and_the_way_out()
    {
        var status = new RpcStatus { Code = (int)Code.FailedPrecondition, Message = "Therapist anna has 2 booked appointment(s) ..." };
        status.Details.Add(Any.Pack(new ErrorInfo { Reason = "WOULD_STRAND_BOOKINGS", Domain = "nmt.practice", Metadata = { ["field"] = "stranded_policy", ["appointment_ids"] = "a1,a2" } }));
        status.Details.Add(Any.Pack(new PreconditionFailure
        {
            Violations =
            {
                new PreconditionFailure.Types.Violation { Type = "WOULD_STRAND_BOOKINGS", Subject = "appointments/a1" },
                new PreconditionFailure.Types.Violation { Type = "WOULD_STRAND_BOOKINGS", Subject = "appointments/a2" },
            },
        }));

        var report = ErrorReport.From(status.ToRpcException());

        Assert.Equal(4, report.ExitCode);
        var text = report.ToText();
        Assert.Contains("error: WOULD_STRAND_BOOKINGS (FAILED_PRECONDITION)", text, StringComparison.Ordinal);
        Assert.Contains("  appointments:\n    a1\n    a2\n", text, StringComparison.Ordinal);
        Assert.Contains("--stranded cover", text, StringComparison.Ordinal);
        Assert.Contains("appointments/a2", report.ToJson(), StringComparison.Ordinal);
    }

    private static RpcException Conflict()
    {
        var status = new RpcStatus { Code = (int)Code.FailedPrecondition, Message = "Therapist anna is busy from 10:00 to 11:00." };
        status.Details.Add(Any.Pack(new ErrorInfo { Reason = "THERAPIST_BUSY", Domain = "nmt.practice", Metadata = { ["field"] = "start" } }));
        status.Details.Add(Any.Pack(new Alternatives
        {
            Slots =
            {
                new Slot { LocalStart = "2026-12-01T11:00", TimeZone = "Europe/London", UtcOffset = "+00:00", TherapistId = "anna", RoomId = "r1" },
                new Slot { LocalStart = "2026-12-01T09:00", TimeZone = "Europe/London", UtcOffset = "+00:00", TherapistId = "ben", RoomId = "r2" },
            },
        }));
        return status.ToRpcException();
    }

    [Fact]
    public void Booking_conflict_shows_reason_message_field_and_alternatives()
    {
        var report = ErrorReport.From(Conflict());
        Assert.Equal(ExitCodes.Refused, report.ExitCode);
        var text = report.ToText();
        Assert.StartsWith("error: THERAPIST_BUSY (FAILED_PRECONDITION): Therapist anna is busy from 10:00 to 11:00.\n", text, StringComparison.Ordinal);
        Assert.Contains("  field: start\n", text, StringComparison.Ordinal);
        Assert.Contains("nearest free slots:", text, StringComparison.Ordinal);
        Assert.Contains("2026-12-01 11:00 +00:00 Europe/London  therapist anna  room r1", text, StringComparison.Ordinal);
        Assert.Contains("2026-12-01 09:00 +00:00 Europe/London  therapist ben  room r2", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Conflict_with_no_alternatives_says_so()
    {
        var status = new RpcStatus { Code = (int)Code.FailedPrecondition, Message = "Room busy." };
        status.Details.Add(Any.Pack(new ErrorInfo { Reason = "ROOM_BUSY", Domain = "nmt.practice" }));
        status.Details.Add(Any.Pack(new Alternatives()));
        Assert.Contains("no free slot nearby that day", ErrorReport.From(status.ToRpcException()).ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_argument_names_the_field()
    {
        var status = new RpcStatus { Code = (int)Code.InvalidArgument, Message = "clinic_id is required." };
        status.Details.Add(Any.Pack(new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = "clinic_id", Description = "clinic_id is required." } } }));
        status.Details.Add(Any.Pack(new ErrorInfo { Reason = "INVALID_ARGUMENT", Domain = "nmt.practice", Metadata = { ["field"] = "clinic_id" } }));
        var report = ErrorReport.From(status.ToRpcException());
        Assert.Equal(ExitCodes.Usage, report.ExitCode);
        Assert.Equal("error: INVALID_ARGUMENT: clinic_id is required.\n  field: clinic_id\n", report.ToText());
    }

    [Fact]
    public void Not_found_is_3_with_its_reason()
    {
        var status = new RpcStatus { Code = (int)Code.NotFound, Message = "Clinic nowhere does not exist." };
        status.Details.Add(Any.Pack(new ErrorInfo { Reason = "CLINIC_NOT_FOUND", Domain = "nmt.practice", Metadata = { ["field"] = "clinic_id" } }));
        var report = ErrorReport.From(status.ToRpcException());
        Assert.Equal(ExitCodes.NotFound, report.ExitCode);
        Assert.Equal("error: CLINIC_NOT_FOUND (NOT_FOUND): Clinic nowhere does not exist.\n  field: clinic_id\n", report.ToText());
    }

    [Fact]
    public void Status_without_details_still_reports_the_code()
    {
        var report = ErrorReport.From(new RpcException(new Grpc.Core.Status(StatusCode.Unimplemented, "Not yet.")));
        Assert.Equal(ExitCodes.Failure, report.ExitCode);
        Assert.Equal("error: UNIMPLEMENTED: Not yet.\n", report.ToText());
    }

    [Fact]
    public void Unavailable_points_at_the_server()
    {
        var report = ErrorReport.From(new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "Error connecting to subchannel.", new InvalidOperationException("Connection refused"))));
        Assert.Equal(ExitCodes.Unavailable, report.ExitCode);
        var text = report.ToText("http://127.0.0.1:5080");
        Assert.Contains("UNAVAILABLE: Error connecting to subchannel. (Connection refused)", text, StringComparison.Ordinal);
        Assert.Contains("server: http://127.0.0.1:5080", text, StringComparison.Ordinal);
        Assert.Contains("NMT_SERVER", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Local_usage_error_is_2_with_the_option_as_field()
    {
        var report = ErrorReport.From(new CliUsageException("--at", "--at: '10am' is not a time."));
        Assert.Equal(ExitCodes.Usage, report.ExitCode);
        Assert.Equal("error: INVALID_ARGUMENT: --at: '10am' is not a time.\n  field: --at\n", report.ToText());
    }

    [Fact]
    public void Json_error_is_the_google_rpc_status_with_typed_details()
    {
        using var doc = JsonDocument.Parse(ErrorReport.From(Conflict()).ToJson());
        var root = doc.RootElement;
        Assert.Equal(9, root.GetProperty("code").GetInt32());
        Assert.Equal("Therapist anna is busy from 10:00 to 11:00.", root.GetProperty("message").GetString());
        var details = root.GetProperty("details").EnumerateArray().ToList();
        Assert.Equal("type.googleapis.com/google.rpc.ErrorInfo", details[0].GetProperty("@type").GetString());
        Assert.Equal("THERAPIST_BUSY", details[0].GetProperty("reason").GetString());
        Assert.Equal("type.googleapis.com/nmt.practice.v1.Alternatives", details[1].GetProperty("@type").GetString());
        Assert.Equal("2026-12-01T11:00", details[1].GetProperty("slots")[0].GetProperty("localStart").GetString());
    }
}
