// Package ecrpush pushes a local container image to Amazon ECR for `deploybench aws run`:
// it makes sure the repository exists (tagged as deploybench's), exchanges the account's
// credentials for a registry password with GetAuthorizationToken, tags the image for the
// registry and has the Docker engine push it through the Engine API. The result is an
// image URI pinned to the pushed digest, which the CloudFormation stacks then run.
//
// Nothing here shells out to the docker or aws CLIs: the moby client and the AWS SDK do
// the work, so the same code runs against real AWS and against the fakes in aws/awsfake.
package ecrpush

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/client"
)

// ECRAPI is the part of the ECR client a push calls; *ecr.Client satisfies it.
type ECRAPI interface {
	DescribeRepositories(ctx context.Context, in *ecr.DescribeRepositoriesInput, opts ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error)
	CreateRepository(ctx context.Context, in *ecr.CreateRepositoryInput, opts ...func(*ecr.Options)) (*ecr.CreateRepositoryOutput, error)
	GetAuthorizationToken(ctx context.Context, in *ecr.GetAuthorizationTokenInput, opts ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error)
}

// TagKey and TagValue mark the repositories deploybench creates, so that a user (or
// `aws cleanup`) can tell them from their own.
const (
	TagKey   = "deploybench"
	TagValue = "true"
)

// Pusher pushes local images to one account's ECR. It satisfies the image hook of
// `aws run`: Push(ctx, localImage, repo) (uri, err).
type Pusher struct {
	// Docker is the engine holding the local image.
	Docker *client.Client
	// ECR is the ECR client of the target account and region.
	ECR ECRAPI
	// Progress, when set, receives one line per push progress message.
	Progress io.Writer
}

// Push pushes localImage to repository with docker and ecr, without progress output.
// See [Pusher.Push].
func Push(ctx context.Context, docker *client.Client, ecr ECRAPI, localImage, repository string) (imageURI string, err error) {
	return (&Pusher{Docker: docker, ECR: ecr}).Push(ctx, localImage, repository)
}

// ecrRepoName is ECR's repository name pattern (API reference, CreateRepository).
var ecrRepoName = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)

// ValidateRepository checks a repository name the way ECR would, with the fix in the
// error.
func ValidateRepository(name string) error {
	if len(name) < 2 || len(name) > 256 || !ecrRepoName.MatchString(name) {
		return fmt.Errorf("ecr: repository %q is not a valid ECR repository name (2–256 lower-case letters, digits and . _ - /, e.g. deploybench/app)", name)
	}
	return nil
}

// Push makes sure repository exists in ECR, pushes localImage (a name the engine knows)
// to it and returns the pushed image's URI pinned to its digest,
// registry/repository@sha256:…. The image is tagged in the registry with its local tag,
// or with its content id when it has none (or only "latest"), so that repeated pushes of
// different builds do not overwrite each other's tag.
func (p *Pusher) Push(ctx context.Context, localImage, repository string) (string, error) {
	if p.Docker == nil || p.ECR == nil {
		return "", errors.New("ecr: push needs a Docker client and an ECR client")
	}
	if err := ValidateRepository(repository); err != nil {
		return "", err
	}
	ins, err := p.Docker.ImageInspect(ctx, localImage)
	if err != nil {
		return "", fmt.Errorf("ecr: local image %q: %v (build or load it first, or pass an image URI)", localImage, err)
	}
	if err := p.ensureRepository(ctx, repository); err != nil {
		return "", err
	}
	auth, host, err := p.authorize(ctx)
	if err != nil {
		return "", err
	}
	// Check the token with the engine first (what `docker login` does): a push with bad
	// credentials would only fail after the engine's retries, tens of seconds later.
	if err := p.login(ctx, auth); err != nil {
		return "", fmt.Errorf("ecr: the registry %s refused the authorization token: %s (check --region and the ecr:GetAuthorizationToken permission)", host, oneLine(err))
	}
	target := host + "/" + repository + ":" + remoteTag(localImage, ins.ID)
	if _, err := p.Docker.ImageTag(ctx, client.ImageTagOptions{Source: localImage, Target: target}); err != nil {
		return "", fmt.Errorf("ecr: tag %s as %s: %w", localImage, target, err)
	}
	// The registry tag only exists to name the push; drop it afterwards so that pushes
	// leave the engine's image list as it was (the image itself keeps its local name).
	defer func() {
		_, _ = p.Docker.ImageRemove(context.WithoutCancel(ctx), target, client.ImageRemoveOptions{})
	}()
	digest, err := p.push(ctx, target, auth)
	if err != nil {
		return "", err
	}
	return host + "/" + repository + "@" + digest, nil
}

// ensureRepository creates repository unless it exists.
func (p *Pusher) ensureRepository(ctx context.Context, repository string) error {
	_, err := p.ECR.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{repository}})
	var notFound *types.RepositoryNotFoundException
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &notFound):
		return fmt.Errorf("ecr: describe repository %s: %w", repository, err)
	}
	_, err = p.ECR.CreateRepository(ctx, &ecr.CreateRepositoryInput{
		RepositoryName: aws.String(repository),
		Tags:           []types.Tag{{Key: aws.String(TagKey), Value: aws.String(TagValue)}},
	})
	var exists *types.RepositoryAlreadyExistsException
	if err != nil && !errors.As(err, &exists) { // a concurrent push may have created it
		return fmt.Errorf("ecr: create repository %s: %w", repository, err)
	}
	return nil
}

// authorize turns ECR's authorization token into the engine's X-Registry-Auth value and
// returns it with the registry host.
func (p *Pusher) authorize(ctx context.Context) (auth, host string, err error) {
	out, err := p.ECR.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		return "", "", fmt.Errorf("ecr: get authorization token: %w", err)
	}
	if len(out.AuthorizationData) == 0 {
		return "", "", errors.New("ecr: get authorization token: the answer holds no authorizationData")
	}
	d := out.AuthorizationData[0]
	user, password, err := DecodeToken(aws.ToString(d.AuthorizationToken))
	if err != nil {
		return "", "", err
	}
	host, err = registryHost(aws.ToString(d.ProxyEndpoint))
	if err != nil {
		return "", "", err
	}
	buf, err := json.Marshal(registry.AuthConfig{Username: user, Password: password, ServerAddress: host})
	if err != nil {
		return "", "", err
	}
	return base64.URLEncoding.EncodeToString(buf), host, nil
}

// login has the engine authenticate to the registry with auth (an X-Registry-Auth value).
func (p *Pusher) login(ctx context.Context, auth string) error {
	raw, err := base64.URLEncoding.DecodeString(auth)
	if err != nil {
		return err
	}
	var a registry.AuthConfig
	if err := json.Unmarshal(raw, &a); err != nil {
		return err
	}
	_, err = p.Docker.RegistryLogin(ctx, client.RegistryLoginOptions{Username: a.Username, Password: a.Password, ServerAddress: a.ServerAddress})
	return err
}

// oneLine keeps an engine error on one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// DecodeToken splits an ECR authorization token, base64("user:password"), into its user
// and password.
func DecodeToken(token string) (user, password string, err error) {
	raw, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		return "", "", fmt.Errorf("ecr: authorizationToken is not base64: %v", err)
	}
	user, password, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" || password == "" {
		return "", "", errors.New(`ecr: authorizationToken does not decode to "user:password"`)
	}
	return user, password, nil
}

// registryHost returns the host[:port] of ECR's proxyEndpoint (https://ACCOUNT.dkr.ecr.REGION.amazonaws.com).
func registryHost(endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("ecr: proxyEndpoint %q is not a URL with a host", endpoint)
	}
	return u.Host, nil
}

// remoteTag is the tag an image gets in the registry: its own tag, unless that is
// missing or "latest", then "img-" and the first 12 hex digits of its content id.
func remoteTag(localImage, id string) string {
	if strings.HasPrefix(localImage, "sha256:") { // an image id, not a name
		localImage = ""
	}
	if ref, err := reference.ParseNormalizedNamed(localImage); err == nil {
		if t, ok := ref.(reference.Tagged); ok && t.Tag() != "latest" {
			return t.Tag()
		}
	}
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		id = id[:12]
	}
	return "img-" + id
}

// push streams the engine's push of target and returns the digest the registry stored.
func (p *Pusher) push(ctx context.Context, target, auth string) (string, error) {
	resp, err := p.Docker.ImagePush(ctx, target, client.ImagePushOptions{RegistryAuth: auth})
	if err != nil {
		return "", fmt.Errorf("ecr: push %s: %w", target, err)
	}
	defer resp.Close()
	var digest string
	last := map[string]string{} // layer id → last status printed
	for msg, err := range resp.JSONMessages(ctx) {
		if err != nil {
			return "", fmt.Errorf("ecr: push %s: %w", target, err)
		}
		if msg.Error != nil {
			return "", fmt.Errorf("ecr: push %s: %s", target, msg.Error.Message)
		}
		if msg.Aux != nil {
			if d := auxDigest(*msg.Aux); d != "" {
				digest = d
			}
		}
		// The engine repeats "Pushing" with every progress tick; a line per change of a
		// layer's status is enough to follow the push.
		if p.Progress != nil && msg.Status != "" && last[msg.ID] != msg.Status {
			last[msg.ID] = msg.Status
			line := msg.Status
			if msg.ID != "" {
				line = msg.ID + ": " + line
			}
			fmt.Fprintln(p.Progress, line)
		}
	}
	if digest == "" {
		return "", fmt.Errorf("ecr: push %s: the engine reported no digest", target)
	}
	return digest, nil
}

// auxDigest reads the digest from the engine's push result (aux {"Tag","Digest","Size"}).
func auxDigest(aux []byte) string {
	var r struct {
		Digest string `json:"Digest"`
	}
	if json.Unmarshal(aux, &r) != nil || !strings.HasPrefix(r.Digest, "sha256:") {
		return ""
	}
	return r.Digest
}
