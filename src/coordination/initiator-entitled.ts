/**
 * Who may initiate (发起) a joint punishment or reward on an entry. 国发〔2016〕33号 (十五): "各领域守信联合
 * 激励和失信联合惩戒的发起部门负责确定激励和惩戒对象，实施部门负责对有关主体采取相应的联合激励和联合惩戒措施";
 * (十六): "鼓励各地区对本行政区域内确定的诚信典型和严重失信主体，发起部省协同和跨区域联合激励与惩戒". So the
 * initiator is the side that determined the subject: the entry's owner (its platform published the
 * identifying department's decision), or a platform of the region whose department made the decision
 * — readable only where the entry names the department's credit code (`decision.authorityCode`,
 * positions 3–8 its administrative division), e.g. a national source's court entry decided in
 * Zhejiang. Compared at province level (the first two digits), the level of the platforms.
 */
export function initiatorEntitled (
  initiator: string, owner: string, authorityCode: string | null, regionOf: (platform: string) => string | undefined
): boolean {
  if (initiator === owner) return true
  if (authorityCode === null || authorityCode.length !== 18) return false
  const region = regionOf(initiator)
  return region !== undefined && region.slice(0, 2) === authorityCode.slice(2, 4)
}
