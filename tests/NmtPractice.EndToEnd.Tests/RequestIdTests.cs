using System.Collections.Concurrent;
using System.Diagnostics;
using NmtPractice.Api.Grpc;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>A request's request_id is traced (and logged) for every call that carries one, as common.proto says.</summary>
[Collection(ApiCollection.Name)]
public sealed class RequestIdTests(ApiServerFixture api)
{
    [Fact]
    public void The_request_id_is_read_from_any_request_that_has_one()
    {
        Assert.Equal("r-1", RequestIdInterceptor.Of(new CancelRequest { RequestId = "r-1" }));
        Assert.Equal("r-2", RequestIdInterceptor.Of(new RegisterClientRequest { RequestId = "r-2" }));
        Assert.Null(RequestIdInterceptor.Of(new CancelRequest()));
        Assert.Null(RequestIdInterceptor.Of(new CancelRequest { RequestId = new string('x', NmtPractice.Domain.BookingLimits.MaxRequestIdLength + 1) }));
        Assert.Null(RequestIdInterceptor.Of(new GetClientRequest { ClientId = "c1" }));
        Assert.Null(RequestIdInterceptor.Of("not a message"));
    }

    [Fact]
    public async Task A_mutation_tags_its_trace_with_the_request_id()
    {
        var requestId = ApiChain.NewRequestId();
        var tagged = new ConcurrentBag<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem(RequestIdInterceptor.TagName) is string id)
                {
                    tagged.Add(id);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await api.Clients.RegisterClientAsync(new RegisterClientRequest
        {
            RequestId = requestId,
            Client = new V1.Client { ClientId = $"reqid-{Guid.NewGuid():N}"[..20], GivenName = "Grace", FamilyName = "Traced" },
        });

        for (var i = 0; i < 50 && !tagged.Contains(requestId); i++)
        {
            await Task.Delay(100);
        }
        Assert.Contains(requestId, tagged);
    }
}
