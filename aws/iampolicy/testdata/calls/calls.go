// Package calls is a fixture for the scan test: each way code can reach an SDK operation
// appears once, with the operation it must be found as.
package calls

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// identity is an interface over the STS client, called with a nil input below.
type identity interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// notAnOperation has an operation's name but no SDK input: it must not be found.
type notAnOperation struct{}

func (notAnOperation) DeleteRepository(string) {}

// Use reaches cloudformation:DeleteStack (client call), sts:GetCallerIdentity (interface,
// nil input), cloudformation:ListStacks (paginator input) and ecr:PutImage (method value).
func Use(ctx context.Context, cf *cloudformation.Client, id identity, r *ecr.Client) {
	_, _ = cf.DeleteStack(ctx, &cloudformation.DeleteStackInput{})
	_, _ = id.GetCallerIdentity(ctx, nil)
	_ = cloudformation.NewListStacksPaginator(cf, &cloudformation.ListStacksInput{})
	put := r.PutImage
	_ = put
	notAnOperation{}.DeleteRepository("x")
}
