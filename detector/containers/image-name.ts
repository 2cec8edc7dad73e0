/**
 * An image reference split into repository, tag and digest the way libsinsp splits it for
 * `container.image.repository` / `.tag` / `.digest`: the first path component is kept in the
 * repository whatever it is (`registry:5000/team/app:1` has repository `registry:5000/team/app`), the
 * tag is what follows the first `:` after it, the digest what follows `@`.
 */

/** The parts of an image reference; empty strings where the reference has none. */
export interface ImageName {
  repository: string;
  tag: string;
  digest: string;
}

function cut(s: string, sep: string): [string, string] | undefined {
  const i = s.indexOf(sep);
  return i < 0 ? undefined : [s.slice(0, i), s.slice(i + 1)];
}

/** Splits `[host[:port]/]path[:tag][@digest]`. */
export function splitImageName(image: string): ImageName {
  const first = cut(image, '/');
  // Everything up to the first '/' belongs to the repository, even a port's ':'.
  const head = first ? `${first[0]}/` : '';
  const rest = first ? first[1] : image;
  const [nameTag, digest] = cut(rest, '@') ?? [rest, ''];
  const [name, tag] = cut(nameTag, ':') ?? [nameTag, ''];
  return { repository: head + name, tag, digest };
}
