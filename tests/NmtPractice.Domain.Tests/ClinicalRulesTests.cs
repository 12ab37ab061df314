using NmtPractice.Domain.Records;

namespace NmtPractice.Domain.Tests;

public sealed class ClinicalRulesTests
{
    private static readonly Instant Now = Instant.FromUtc(2030, 1, 10, 12, 0);

    private static NoteContent Content(int? before = 6, int? after = 3, string side = "left", string complaint = "neck pain") =>
        new(complaint, ["tingling", "numbness"], before, after, [new TriggerPoint("upper trapezius", side, "mid-belly", "temple")],
            "ischaemic compression", 30, ["t-bar"], "pain rose, then eased", "heat and stretches");

    private static SessionNote Draft(NoteContent? content = null) =>
        new(Guid.NewGuid(), 1, "c1", Guid.NewGuid(), "k1", "t1", Now - Duration.FromHours(2), NoteStatus.Draft, content ?? Content(),
            Now - Duration.FromHours(1), Now - Duration.FromHours(1), null, null, null, null);

    [Theory]
    [InlineData(-1, "pain_before")]
    [InlineData(11, "pain_before")]
    public void Pain_scores_are_0_to_10(int score, string field)
    {
        Assert.Equal(field, ClinicalRules.CheckContent(Content(before: score))!.Field);
        Assert.Null(ClinicalRules.CheckContent(Content(before: 0, after: 10)));
    }

    [Fact]
    public void A_trigger_point_side_is_left_right_or_bilateral()
    {
        Assert.Equal("trigger_points[0].side", ClinicalRules.CheckContent(Content(side: "up"))!.Field);
        Assert.Null(ClinicalRules.CheckContent(Content(side: "bilateral")));
    }

    [Fact]
    public void Text_longer_than_the_limit_is_refused()
    {
        var refusal = ClinicalRules.CheckContent(Content(complaint: new string('x', Validation.MaxTextLength + 1)));
        Assert.Equal(("complaint", RefusalReason.InvalidArgument), (refusal!.Field, refusal.Reason));
    }

    [Fact]
    public void A_draft_may_be_incomplete_but_signing_needs_complaint_and_both_pain_scores()
    {
        var draft = Draft(Content(after: null));
        Assert.Null(ClinicalRules.CheckContent(draft.Content));
        var (signed, refusal) = ClinicalRules.Sign(draft, "t1", Now);
        Assert.Null(signed);
        Assert.Equal("pain_after", refusal!.Field);
    }

    [Fact]
    public void Only_the_author_signs_a_draft()
    {
        var (_, refusal) = ClinicalRules.Sign(Draft(), "t2", Now);
        Assert.Equal(RefusalReason.NotAllowed, refusal!.Reason);
        var (signed, none) = ClinicalRules.Sign(Draft(), "t1", Now);
        Assert.Null(none);
        Assert.Equal((NoteStatus.Signed, "t1", (Instant?)Now), (signed!.Status, signed.SignedBy, signed.SignedAt));
    }

    [Fact]
    public void A_signed_note_cannot_be_edited_or_signed_again_only_amended()
    {
        var (signed, _) = ClinicalRules.Sign(Draft(), "t1", Now);
        Assert.Equal(RefusalReason.InvalidTransition, ClinicalRules.CheckEditDraft(signed!, "t1", Content())!.Reason);
        Assert.Equal(RefusalReason.InvalidTransition, ClinicalRules.Sign(signed!, "t1", Now).Refusal!.Reason);

        var (amended, refusal) = ClinicalRules.Amend(signed!, "t1", Content(after: 2), "pain after re-measured", Now + Duration.FromMinutes(5));
        Assert.Null(refusal);
        Assert.Equal((2, 1, NoteStatus.Signed, 2), (amended!.Version, amended.AmendedFrom, amended.Status, amended.Content.PainAfter));
        Assert.Equal(3, signed!.Content.PainAfter);
    }

    [Fact]
    public void An_amendment_needs_a_reason_the_author_and_a_signed_note()
    {
        var (signed, _) = ClinicalRules.Sign(Draft(), "t1", Now);
        Assert.Equal("reason", ClinicalRules.Amend(signed!, "t1", Content(), " ", Now).Refusal!.Field);
        Assert.Equal(RefusalReason.NotAllowed, ClinicalRules.Amend(signed!, "t2", Content(), "why", Now).Refusal!.Reason);
        Assert.Equal(RefusalReason.InvalidTransition, ClinicalRules.Amend(Draft(), "t1", Content(), "why", Now).Refusal!.Reason);
    }

    [Fact]
    public void Intake_contraindications_are_known_codes_and_other_needs_a_note()
    {
        var intake = new Intake("c1", "", ["pregnancy"], null, null, "t1", Now);
        Assert.Null(ClinicalRules.CheckIntake(intake));
        Assert.True(intake.HasContraindications);
        Assert.Equal("contraindications", ClinicalRules.CheckIntake(intake with { Contraindications = ["bad-back"] })!.Field);
        Assert.Equal("contraindication_notes", ClinicalRules.CheckIntake(intake with { Contraindications = ["other"] })!.Field);
    }

    [Fact]
    public void Progress_lists_signed_sessions_oldest_first()
    {
        var early = ClinicalRules.Sign(Draft(Content(7, 4)) with { SessionStart = Now - Duration.FromDays(14) }, "t1", Now).Signed!;
        var late = ClinicalRules.Sign(Draft(Content(4, 2)), "t1", Now).Signed!;
        var progress = ClinicalRules.Progress([late, Draft(), early]);
        Assert.Equal([(7, 4), (4, 2)], progress.Select(p => (p.PainBefore!.Value, p.PainAfter!.Value)));
    }
}
