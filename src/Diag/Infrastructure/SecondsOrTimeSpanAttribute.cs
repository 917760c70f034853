using System.Management.Automation;
using Diag.Linux.Time;

namespace Diag.Commands.Infrastructure;

/// <summary>
/// Lets a TimeSpan parameter take a bare number as seconds (<c>-Interval 0.5</c>,
/// <c>-Duration 5</c>) as well as a TimeSpan or a TimeSpan string.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecondsOrTimeSpanAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        try
        {
            return SecondsOrTimeSpan.Convert(value);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentTransformationMetadataException(e.Message, e);
        }
    }
}
