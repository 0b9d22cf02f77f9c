using Broadsheet.Delivery;
using Microsoft.Extensions.Time.Testing;

namespace Broadsheet.Tests.Delivery;

/// <summary>A dispatcher claims about half a second of its own sending: the whole batch only until it knows its pace.</summary>
public sealed class ClaimPacerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));

    private static void Send(ClaimPacer pacer, int count)
    {
        for (var i = 0; i < count; i++)
        {
            pacer.Sent();
        }
    }

    [Fact]
    public void Claims_the_whole_batch_until_a_rate_is_known_then_half_a_second_of_it()
    {
        var pacer = new ClaimPacer(batchSize: 1000, senders: 4, _time);
        Assert.Equal(1000, pacer.Next());

        // 400 messages in the first second: 200 is half a second of that.
        Send(pacer, 400);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(200, pacer.Next());
        Assert.Equal(400, pacer.Rate, 3);

        // Within a window nothing changes, however many were sent.
        Send(pacer, 300);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(200, pacer.Next());

        // The next window (1,000 over 1.5 s with the 300 above: 666.7/s) is averaged with the last one.
        Send(pacer, 700);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((int)((400 + 1000 / 1.5) / 2 * 0.5), pacer.Next());
        Assert.Equal((400 + 1000 / 1.5) / 2, pacer.Rate, 3);
    }

    [Fact]
    public void Stays_between_a_floor_of_eight_messages_a_sender_and_the_batch_size()
    {
        var fast = new ClaimPacer(batchSize: 1000, senders: 4, _time);
        Send(fast, 10_000);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1000, fast.Next());

        var slow = new ClaimPacer(batchSize: 1000, senders: 16, _time);
        Send(slow, 3);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(128, slow.Next());

        // A batch smaller than the floor is still the most claimed at once.
        var small = new ClaimPacer(batchSize: 20, senders: 4, _time);
        Send(small, 1);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(20, small.Next());
    }

    [Fact]
    public void Time_spent_waiting_for_work_does_not_count_as_slow_sending()
    {
        var pacer = new ClaimPacer(batchSize: 1000, senders: 4, _time);
        Send(pacer, 1200);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(600, pacer.Next());

        // A quiet minute with one confirmation in it, then the next send: the pace is still the one last measured.
        pacer.Sent();
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(600, pacer.Next());
        Assert.Equal(1200, pacer.Rate, 3);

        // An idle second (nothing sent) keeps it too.
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(600, pacer.Next());
    }
}
