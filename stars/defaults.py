"""The default 定星 tables the county copies (seed 001: Huanghua's 《党员党组织“创星晋级”办法》).
The seed names the contents (两学一做, 三会一课, 新型城镇化, 五城同创, 环境治理, 义工, 献血捐款,
结对帮扶, 便民服务站, 主题实践活动; 减星项 and 否决项; six grades) but not the points: the values
and thresholds below are a starting point each county edits for its year."""

from __future__ import annotations

from decimal import Decimal as D

# ladder -> (thresholds for 1..5 stars, [(code, name, kind, points, category)])
DEFAULT_TABLES: dict[str, tuple[tuple[D, ...], list[tuple[str, str, str, D, str]]]] = {
    "member": (
        (D("10"), D("20"), D("30"), D("40"), D("50")),
        [
            ("G01", "参加“两学一做”学习教育", "add", D("2"), ""),
            ("G02", "按时参加“三会一课”", "add", D("2"), ""),
            ("G03", "戴党徽、亮身份，参加主题党日和主题实践活动", "add", D("2"), ""),
            ("G04", "参加党员志愿服务（做义工）", "add", D("3"), ""),
            ("G05", "献血、捐款", "add", D("3"), ""),
            ("G06", "结对帮扶群众", "add", D("3"), ""),
            ("R01", "参与美丽乡村建设、环境治理", "add", D("3"), "rural"),
            ("R02", "带头发展特色产业、带动群众致富", "add", D("5"), "rural"),
            ("C01", "在社区网格中联系服务居民", "add", D("3"), "community"),
            ("C02", "参与“五城同创”、文明城市创建", "add", D("3"), "community"),
            ("J01", "在职党员到社区报到服务", "add", D("3"), "institution"),
            ("J02", "承担“十百千”重点工作并取得业绩", "add", D("5"), "institution"),
            ("E01", "立足岗位建功、亮明党员身份", "add", D("3"), "enterprise"),
            ("E02", "参加企业和社会组织党建活动", "add", D("3"), "enterprise"),
            ("D01", "无正当理由不参加组织生活", "deduct", D("1"), ""),
            ("D02", "未按规定交纳党费", "deduct", D("1"), ""),
            ("V01", "受到党纪处分或有违法犯罪行为", "veto", D("0"), ""),
        ],
    ),
    "branch": (
        (D("20"), D("40"), D("60"), D("80"), D("100")),
        [
            ("B01", "规范落实“三会一课”", "add", D("5"), ""),
            ("B02", "开展“两学一做”学习教育", "add", D("4"), ""),
            ("B03", "推进新型城镇化建设、环境治理等重点工作", "add", D("6"), ""),
            ("B04", "建立便民服务站、开展党员志愿服务", "add", D("5"), ""),
            ("B05", "村级重大事项按“四议两公开”决策", "add", D("5"), ""),
            ("BD1", "村级重大事项未按程序决策", "deduct", D("1"), ""),
            ("BD2", "发展党员未落实推荐、公示、票决等制度", "deduct", D("1"), ""),
            ("BV1", "班子成员严重违纪违法或发生重大群体性事件", "veto", D("0"), ""),
        ],
    ),
    "committee": (
        (D("30"), D("60"), D("90"), D("120"), D("150")),
        [
            ("S01", "落实基层党建工作责任状", "add", D("8"), ""),
            ("S02", "书记领办基层党建项目", "add", D("8"), ""),
            ("S03", "便民服务中心推行“两个代办”", "add", D("6"), ""),
            ("S04", "培养村级后备干部和农村致富带头人", "add", D("6"), ""),
            ("SD1", "软弱涣散村整顿工作不力", "deduct", D("1"), ""),
            ("SV1", "发生严重违纪违法案件被问责", "veto", D("0"), ""),
        ],
    ),
}
