/** Session ids are generated here and checked on the way in, so they can never name a path. */
export const SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;

export function newSessionId(random: () => number = Math.random): string {
  const time = Date.now().toString(36);
  let rand = '';
  while (rand.length < 10) rand += Math.floor(random() * 36).toString(36);
  return `${time}-${rand}`;
}
