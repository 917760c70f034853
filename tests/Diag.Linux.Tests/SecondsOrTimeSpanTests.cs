using Diag.Linux.Time;

namespace Diag.Linux.Tests;

public class SecondsOrTimeSpanTests
{
    [Theory]
    [InlineData(5, 5_000)]
    [InlineData(0.5, 500)]
    [InlineData("0.25", 250)]
    [InlineData("00:00:02", 2_000)]
    public void BareNumbersAreSecondsAndTimeSpansStay(object input, double expectedMilliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), SecondsOrTimeSpan.Convert(input));

    [Fact]
    public void TimeSpanIsNotReinterpretedAsTicks() =>
        Assert.Equal(TimeSpan.FromTicks(5), SecondsOrTimeSpan.Convert(TimeSpan.FromTicks(5)));

    [Theory]
    [InlineData("soon")]
    [InlineData(null)]
    public void UnusableValuesSayWhatIsAccepted(object? input)
    {
        var e = Assert.Throws<ArgumentException>(() => SecondsOrTimeSpan.Convert(input));
        Assert.Contains("seconds", e.Message);
    }
}
