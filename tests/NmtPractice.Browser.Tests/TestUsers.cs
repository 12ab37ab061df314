using Grpc.Core;
using NmtPractice.Api.V1;
using NmtPractice.Tokens;

namespace NmtPractice.Browser.Tests;

/// <summary>One staff user per role (two front desks), created through StaffUserService as a chain admin would.</summary>
public sealed class TestUsers
{
    private TestUsers(TestUser frontDesk, TestUser frontDesk2, TestUser manager, TestUser therapist, TestUser admin)
    {
        FrontDesk = frontDesk;
        FrontDesk2 = frontDesk2;
        Manager = manager;
        Therapist = therapist;
        Admin = admin;
    }

    public TestUser FrontDesk { get; }

    public TestUser FrontDesk2 { get; }

    public TestUser Manager { get; }

    public TestUser Therapist { get; }

    public TestUser Admin { get; }

    public static async Task<TestUsers> CreateAsync(CallInvoker admin)
    {
        var users = new StaffUserService.StaffUserServiceClient(admin);
        async Task<TestUser> Create(string email, string name, string role, string[] clinics, string? therapistId = null)
        {
            // A random password per run, long and varied enough for the server's rule.
            var password = "Pw-" + Guid.NewGuid().ToString("N");
            await users.CreateUserAsync(new CreateUserRequest
            {
                Email = email,
                DisplayName = name,
                Role = role,
                ClinicIds = { clinics },
                TherapistId = therapistId ?? "",
                InitialPassword = password,
            });
            return new TestUser(email, password, role, name, clinics, therapistId);
        }

        string[] clinic = [TestChain.ClinicId];
        return new TestUsers(
            await Create("desk@soho.example.org", "Dana Desk", NmtRoles.FrontDesk, clinic),
            await Create("desk2@soho.example.org", "Eli Desk", NmtRoles.FrontDesk, clinic),
            await Create("manager@soho.example.org", "Mia Manager", NmtRoles.ClinicManager, clinic),
            await Create("ana@soho.example.org", "Ana Silva", NmtRoles.Therapist, clinic, TestChain.TherapistIds[0]),
            await Create("admin@chain.example.org", "Ada Admin", NmtRoles.ChainAdmin, []));
    }
}
