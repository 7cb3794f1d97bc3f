import { describe, expect, it } from "vitest";
import { SourceFile, buildWorkflow } from "@peptide/workflow";
import { deploySteps, artifactWrites } from "../src/deploy/detect.js";

/** The deploy table on one `run:` line (and, optionally, a step that comes before it). */
function detect(run: string, before = ""): string | undefined {
  const text = ["on: push", "jobs:", "  j:", "    runs-on: ubuntu-latest", "    steps:", ...(before ? [before] : []), `      - run: ${JSON.stringify(run)}`, ""].join("\n");
  const workflow = buildWorkflow(new SourceFile("wf.yml", text));
  const job = workflow.jobs[0]!;
  const found = deploySteps(workflow.source, job.steps, job);
  return found.length === 0 ? undefined : `${found[0]!.kind}: ${found[0]!.what}`;
}

describe("deploy table: run commands", () => {
  it.each([
    ["kubectl apply -f k8s/", "deploy: kubectl apply"],
    ["kubectl --context prod set image deploy/api api=ghcr.io/o/api:1", "deploy: kubectl set image"],
    ["kubectl apply --dry-run=client -f k8s/", undefined],
    ["kubectl get pods", undefined],
    ["helm upgrade --install api ./chart", "deploy: helm upgrade"],
    ["terraform plan -out tf.plan && terraform apply tf.plan", "deploy: terraform apply"],
    ["terraform plan", undefined],
    ["aws s3 sync ./site s3://bucket/site", "deploy: aws s3 sync"],
    ["aws s3 cp s3://bucket/tool ./tool", undefined],
    ["npm publish --access public", "publish: npm publish"],
    ["npm publish --dry-run", undefined],
    ["npm run publish-docs", undefined],
    ["echo run npm publish later", undefined],
    ["pnpm -r publish --no-git-checks", "publish: pnpm publish"],
    ["yarn npm publish", "publish: yarn publish"],
    ["python -m twine upload dist/*", "publish: twine upload"],
    ["cargo publish --dry-run", undefined],
    ["cargo publish", "publish: cargo publish"],
    ["./mvnw -B deploy", "publish: mvn deploy"],
    ["./gradlew publishToMavenCentral", "publish: gradle publishToMavenCentral"],
    ["docker push ghcr.io/o/api:1", "image-push: docker push"],
    ["docker push localhost:5000/api:test", undefined],
    ["docker buildx build --platform linux/amd64 -t ghcr.io/o/api:1 --push .", "image-push: docker buildx build --push"],
    ["ko build ./cmd/api", "image-push: ko build"],
    ["KO_DOCKER_REPO=ko.local ko build ./cmd/api", undefined],
    ["gh release create v1.0.0 dist/*", "release: gh release create"],
    ["gh release view v1.0.0", undefined],
    ["goreleaser release --clean", "release: goreleaser release"],
    ["goreleaser release --snapshot --clean", undefined],
    ["gcloud run deploy api --image x", "deploy: gcloud run deploy"],
    ["firebase deploy --only hosting", "deploy: firebase deploy"],
  ])("%s", (run, expected) => {
    expect(detect(run)).toBe(expected);
  });

  it("treats kubectl and helm against a kind cluster as a test", () => {
    expect(detect("kubectl apply -f test/", "      - uses: helm/kind-action@v1")).toBeUndefined();
    expect(detect("kubectl apply -f test/", "      - run: kind create cluster")).toBeUndefined();
  });
});

describe("deploy table: tool words (commands are only tried when a tool of the table stands as a word)", () => {
  it.each([
    ["x=1;kubectl apply -f k8s/", "deploy: kubectl apply"],
    ["(cd infra && terraform apply -auto-approve)", "deploy: terraform apply"],
    ["sudo flyctl deploy --remote-only", "deploy: flyctl deploy"],
    ["/usr/local/bin/helm upgrade --install x ./c", "deploy: helm upgrade"],
    ["$(docker push ghcr.io/o/x:1)", "image-push: docker push"],
    ["./mvnw -B deploy", "publish: mvn deploy"],
    ["gradlew publishPlugins", "publish: gradle publishPlugins"],
    ["gcrane copy a b", "image-push: gcrane copy"],
    ["dotnet nuget push x.nupkg", "publish: dotnet nuget push"],
    ["terragrunt apply", "deploy: terragrunt apply"],
    ["sls deploy", "deploy: sls deploy"],
    ['"kubectl" apply -f k8s/', undefined],
    ["mykubectl apply -f x", undefined],
    ["kubectl-apply", undefined],
  ])("%s", (run, expected) => {
    expect(detect(run)).toBe(expected);
  });
});

describe("deploy table: actions", () => {
  const steps = (uses: string, withs: Record<string, string>) => {
    const text = ["on: push", "jobs:", "  j:", "    runs-on: ubuntu-latest", "    steps:", `      - uses: ${uses}`, "        with:", ...Object.entries(withs).map(([k, v]) => `          ${k}: ${JSON.stringify(v)}`), ""].join("\n");
    const workflow = buildWorkflow(new SourceFile("wf.yml", text));
    const job = workflow.jobs[0]!;
    return { deploys: deploySteps(workflow.source, job.steps, job), writes: artifactWrites(workflow.source, job.steps, job) };
  };

  it("pushes with build-push-action only when push is true or an expression", () => {
    expect(steps("docker/build-push-action@v6", { push: "true", tags: "ghcr.io/o/a:1" }).deploys.map((d) => [d.kind, d.conditional])).toEqual([["image-push", false]]);
    expect(steps("docker/build-push-action@v6", { push: "${{ github.event_name != 'pull_request' }}", tags: "ghcr.io/o/a:1" }).deploys.map((d) => [d.kind, d.conditional])).toEqual([["image-push", true]]);
    expect(steps("docker/build-push-action@v6", { push: "false" }).deploys).toEqual([]);
    expect(steps("docker/build-push-action@v6", { push: "true", tags: "localhost:5000/a:test" }).deploys).toEqual([]);
  });

  it("counts artifact uploads and shipping steps as artifact writes, not cloud deploys", () => {
    expect(steps("actions/upload-artifact@v4", { path: "dist" }).writes.map((w) => w.what)).toEqual(["actions/upload-artifact"]);
    expect(steps("softprops/action-gh-release@v2", { files: "dist/*" }).writes.map((w) => w.what)).toEqual(["softprops/action-gh-release"]);
    expect(steps("azure/webapps-deploy@v3", { "app-name": "api" }).writes).toEqual([]);
  });
});
