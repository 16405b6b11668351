"""What is said and written: the words and wishes of a consultation, the texts of the progress records, the
consent's purpose and the reasons for declining a referral."""

from __future__ import annotations

from tsunagu.consultations.demo.scenarios import POVERTY_ISSUES
from tsunagu.consultations.models import Counterpart, Means, Outcome

CONSENT_PURPOSE = "相談支援のため、受付機関とつなぎ先の候補となる機関の間で本人の相談記録を共有すること（デモ）"
SHARED_WITH_CONSENT = "氏名・生年月日・連絡先、世帯の状況、相談の概要（本人が同意した範囲）"
SHARED_FOR_MEETING = "年代・世帯構成・相談の概要（支援会議での検討に必要な範囲に限る）"
DECLINE_REASONS = (
    "当機関の支援の対象に当たらないため。福祉あんしん課への相談をお勧めします。",
    "本人に連絡したところ、現時点では支援を希望しないとのことでした。",
    "定員に空きがなく、当面の受け入れが難しいため。空きが出次第ご連絡します。",
    "すでに他の機関が支援を始めているため、そちらとの連携をお願いします。",
)


# --- What is said and written ---------------------------------------------------------------------------------

WORDS: dict[str, tuple[str, ...]] = {
    "care": (
        "最近物忘れが増えて、一人で買い物に行くのが不安。",
        "足腰が弱って、家の中でも転びそうになる。",
        "一人でお風呂に入るのが難しくなってきた。",
    ),
    "health": (
        "持病の通院を続けられるか心配。",
        "気分の落ち込みが続いて、仕事に行けない日がある。",
        "障害福祉のサービスを使えるか知りたい。",
    ),
    "income": ("収入が減って、今月の生活費が足りない。", "給料日までお金が持たない。"),
    "debt": ("カードローンの返済が追いつかない。", "借金があって、誰にも言えずにいた。"),
    "job-search": (
        "仕事を探しているが、なかなか決まらない。",
        "長く働いていないので、何から始めればよいか分からない。",
    ),
    "rent-loan": ("家賃を2か月滞納している。", "住宅ローンの支払いが苦しい。"),
    "tax-utilities": ("電気代と水道代の支払いが遅れている。", "税金の督促状が届いた。"),
    "work-trouble": ("職場の人間関係がつらく、辞めたいと思っている。",),
    "housing": ("住むところがなくなりそう。", "アパートを出なければならなくなった。"),
    "no-food": ("今週食べるものがない。",),
    "community": ("近所付き合いがなく、困ったときに頼れる人がいない。", "地域の行事に参加したいが、きっかけがない。"),
    "family": ("家族と口論が絶えない。", "離れて暮らす子どもと連絡が取れない。"),
    "child-rearing": (
        "子どもの夜泣きがひどく、疲れてしまった。",
        "保育園の入園について相談したい。",
        "子どもの発達が気になる。",
    ),
    "hikikomori": ("外に出るのがつらく、家で過ごす日が続いている。", "人と会うのが怖くなった。"),
    "dv-abuse": ("家族からの暴言が続いていて怖い。", "叩かれることがある。"),
    "8050": ("親の年金で暮らしているが、親が倒れたらこの先どうなるのか不安。",),
    "young-carer": ("祖母の世話で、宿題をする時間がない。",),
    "double-care": ("子育てと親の介護が重なって、自分の時間がない。",),
    "hoarding": ("家の中に物があふれていて、近所から苦情が来ている。",),
    "isolation": ("何日も誰とも話していない。", "相談できる人が身近にいない。"),
    "other": ("どこに相談したらよいか分からない。",),
}
WISHES: dict[str, tuple[str, ...]] = {
    "care": ("介護保険のサービスを使いたい。", "できるだけ自宅で暮らしたい。"),
    "health": ("安心して通院を続けたい。", "日中に通える場所がほしい。"),
    "child-rearing": ("子育ての相談相手がほしい。", "保育園に預けて働きたい。"),
    "hikikomori": ("無理のない形で外に出るきっかけがほしい。",),
    "8050": ("親子で安心して暮らしたい。", "少しずつ働けるようになりたい。"),
    "dv-abuse": ("安全に暮らしたい。",),
    "isolation": ("話し相手がほしい。",),
    "community": ("地域の集まりに参加してみたい。",),
    "hoarding": ("少しずつ片付けたい。",),
    **dict.fromkeys(POVERTY_ISSUES, ("生活を立て直したい。", "安定した収入を得たい。")),
}
DEFAULT_WISHES = ("話を聞いてほしい。", "困ったときに相談できる先を知りたい。")
# What an older person says instead, where the words depend on age (the 8050 parent, not the child).
ELDERLY_WORDS: dict[str, tuple[str, ...]] = {
    "health": ("持病の通院を続けられるか心配。", "最近、体調を崩しがちで不安。"),
    "income": ("年金だけでは暮らしていけない。", "医療費がかさんで生活費が足りない。"),
    "8050": ("息子が仕事を辞めて家にいる。年金だけでは暮らしていけない。", "自分が倒れたら、子どもがどうなるか心配。"),
    "isolation": ("一人暮らしで、何日も誰とも話していない。", "夫を亡くしてから、家にこもりがちになった。"),
}
ELDERLY_WISHES: dict[str, tuple[str, ...]] = {
    "health": ("安心して通院を続けたい。",),
    "8050": ("息子に働いてほしい。", "親子で安心して暮らしたい。"),
}
# A child's words, or the parent's when a parent brings the child (under 15).
CHILD_WORDS: dict[str, tuple[str, ...]] = {
    "hikikomori": ("子どもが学校に行けなくなって3か月になる。", "朝になるとお腹が痛いと言って登校できない。"),
}

# A progress record: (手段, 相手, 相手の詳細, 内容, 今後の予定).
Note = tuple[Means, Counterpart, str, str, str]
# fmt: off
NOTES: dict[str, tuple[Note, ...]] = {
    "care": (
        (Means.HOME_VISIT, Counterpart.PERSON, "", "自宅を訪問し、本人と面談。食事は取れている。",
         "再訪問して様子を確認する"),
        (Means.HOME_VISIT, Counterpart.FAMILY, "長女", "介護保険の申請について長女に説明し、申請書の記入を手伝った。",
         "認定調査に立ち会う"),
        (Means.PHONE, Counterpart.AGENCY, "居宅介護支援事業所", "ケアマネジャーとデイサービスの利用開始日を調整した。",
         "サービス担当者会議に出席する"),
        (Means.ACCOMPANY, Counterpart.PERSON, "", "かかりつけ医の受診に同行。主治医意見書の依頼を済ませた。",
         "認定結果を確認する"),
        (Means.MEETING, Counterpart.AGENCY, "サービス担当者会議",
         "サービス担当者会議に出席。週2回の訪問介護で合意した。", "ケアプランの実施状況を確認する"),
    ),
    "health": (
        (Means.VISIT, Counterpart.PERSON, "", "来所。通院の状況と服薬について確認した。", "次回面談"),
        (Means.PHONE, Counterpart.AGENCY, "医療機関", "病院の医療ソーシャルワーカーと退院後の生活について協議した。",
         "退院前カンファレンスに出席する"),
        (Means.ACCOMPANY, Counterpart.PERSON, "", "障害福祉サービスの申請に同行した。", "支給決定の結果を確認する"),
        (Means.HOME_VISIT, Counterpart.PERSON, "", "自宅を訪問。体調は落ち着いており、日中は作業所の見学を希望。",
         "作業所の見学に同行する"),
    ),
    "poverty": (
        (Means.VISIT, Counterpart.PERSON, "", "来所。家計の状況を一緒に整理し、支出の見直しを提案した。",
         "家計表を一緒に確認する"),
        (Means.ACCOMPANY, Counterpart.PERSON, "", "ハローワークへ同行。求人を2件紹介された。",
         "応募書類の作成を手伝う"),
        (Means.PHONE, Counterpart.AGENCY, "法テラス", "法テラスの相談日を予約した。債務整理について相談する予定。",
         "相談の結果を本人に確認する"),
        (Means.VISIT, Counterpart.PERSON, "", "住居確保給付金の申請書類を一緒に作成した。", "支給決定を確認する"),
        (Means.DOCUMENT, Counterpart.AGENCY, "税務課", "分納の相談について税務課と文書で調整した。",
         "分納の開始を確認する"),
        (Means.PHONE, Counterpart.PERSON, "", "本人に電話。面接は不採用だったが、次の応募先を探している。",
         "次回面談"),
        (Means.VISIT, Counterpart.PERSON, "", "フードバンクの食料を手渡し、今月の生活費の見通しを確認した。",
         "給料日後に家計を確認する"),
    ),
    "child-rearing": (
        (Means.HOME_VISIT, Counterpart.PERSON, "", "家庭訪問。子どもの体重は順調に増えている。母の表情も明るい。",
         "乳児健診の結果を確認する"),
        (Means.PHONE, Counterpart.PERSON, "", "母に電話。夜泣きは少し落ち着いたとのこと。", "電話で状況を確認する"),
        (Means.VISIT, Counterpart.PERSON, "", "来所。保育園の入園手続きについて説明した。", "入園の可否を確認する"),
        (Means.PHONE, Counterpart.AGENCY, "保育園", "保育園と連絡を取り、登園の様子を確認した。",
         "保育園と情報共有する"),
    ),
    "hikikomori": (
        (Means.HOME_VISIT, Counterpart.FAMILY, "母", "自宅を訪問したが本人とは会えず、母と面談。手紙を置いてきた。",
         "再訪問し、本人に手紙を渡す"),
        (Means.PHONE, Counterpart.FAMILY, "母", "母に電話。本人は夜型の生活が続いているが、食事は家族と取っている。",
         "再訪問する"),
        (Means.HOME_VISIT, Counterpart.PERSON, "", "自宅を訪問し、本人と初めて短時間話ができた。表情が和らいだ。",
         "次回訪問の約束を確認する"),
        (Means.PHONE, Counterpart.AGENCY, "学校", "学校の担任と登校の状況について情報交換した。",
         "学校と情報共有する"),
    ),
    "dv-abuse": (
        (Means.PHONE, Counterpart.PERSON, "", "安全確認のため電話。現在は落ち着いているとのこと。",
         "電話で安全を確認する"),
        (Means.VISIT, Counterpart.PERSON, "", "来所。避難先の候補と緊急時の連絡方法を一緒に確認した。", "次回面談"),
        (Means.MEETING, Counterpart.AGENCY, "関係機関", "関係機関でケース会議。見守りの分担を確認した。",
         "ケース会議で経過を確認する"),
    ),
    "8050": (
        (Means.HOME_VISIT, Counterpart.FAMILY, "長男", "母と長男に面談。長男は就労について話すことを避ける様子。",
         "再訪問して長男と話す"),
        (Means.HOME_VISIT, Counterpart.PERSON, "", "自宅を訪問。母の介護サービスの利用状況を確認した。",
         "ケアマネジャーと情報共有する"),
        (Means.PHONE, Counterpart.FAMILY, "長男", "長男に電話。自立相談支援の相談日を伝えた。", "相談日に同席する"),
    ),
    "young-carer": (
        (Means.PHONE, Counterpart.AGENCY, "学校", "学校と連絡を取り、本人の出席状況と様子を確認した。",
         "学校と情報共有する"),
        (Means.HOME_VISIT, Counterpart.FAMILY, "父",
         "家庭訪問。祖母の介護について家族と話し合い、サービスの利用を提案した。",
         "地域包括支援センターと調整する"),
    ),
    "double-care": (
        (Means.VISIT, Counterpart.PERSON, "",
         "来所。育児と介護の一日の流れを聞き取り、負担の大きい時間帯を整理した。", "利用できるサービスを提案する"),
        (Means.PHONE, Counterpart.AGENCY, "地域包括支援センター",
         "地域包括支援センターと親の介護サービスについて情報交換した。", "関係機関と情報共有する"),
    ),
    "hoarding": (
        (Means.HOME_VISIT, Counterpart.PERSON, "",
         "自宅前で本人と立ち話。片付けには拒否的。無理をせず関係づくりを続ける。", "再訪問する"),
        (Means.HOME_VISIT, Counterpart.PERSON, "", "民生委員と訪問。玄関周りのごみを本人と一緒に袋にまとめた。",
         "次回の片付けの日を決める"),
    ),
    "isolation": (
        (Means.HOME_VISIT, Counterpart.PERSON, "", "自宅を訪問。近所のサロンの開催日を案内した。", "サロンに同行する"),
        (Means.PHONE, Counterpart.AGENCY, "民生委員", "民生委員と連絡を取り、見守りをお願いした。",
         "見守りの状況を確認する"),
        (Means.ACCOMPANY, Counterpart.PERSON, "", "サロンに同行。本人は他の参加者と笑顔で話していた。",
         "次回のサロンの参加を確認する"),
    ),
    "family": (
        (Means.VISIT, Counterpart.PERSON, "", "来所。家族との関係について話を聞いた。", "次回面談"),
        (Means.PHONE, Counterpart.FAMILY, "家族", "家族に電話。本人の最近の様子を聞き取った。",
         "電話で状況を確認する"),
    ),
}
GENERIC_NOTES: tuple[Note, ...] = (
    (Means.PHONE, Counterpart.PERSON, "", "本人に電話。変わりなく過ごしているとのこと。", "電話で状況を確認する"),
    (Means.HOME_VISIT, Counterpart.PERSON, "", "自宅を訪問し、生活の様子を確認した。", "再訪問して様子を確認する"),
    (Means.MEETING, Counterpart.AGENCY, "関係機関", "関係機関とケース会議。今後の役割分担を確認した。",
     "ケース会議で支援方針を確認する"),
)
FIRST_NOTES: tuple[Note, ...] = (
    (Means.VISIT, Counterpart.PERSON, "", "来所。相談内容を聞き取り、利用できる制度とサービスを説明した。",
     "次回面談"),
    (Means.HOME_VISIT, Counterpart.PERSON, "", "自宅を訪問し、本人と面談。食事は取れている。",
     "再訪問して様子を確認する"),
    (Means.PHONE, Counterpart.PERSON, "", "本人に電話し、相談内容を確認。来週の面談を約束した。", "面談"),
)
CLOSING_NOTE: Note = (Means.PHONE, Counterpart.PERSON, "",
                      "状況が落ち着いたため、支援を終結。困ったときは連絡するよう伝えた。", "")
INFORMATION_NOTE: Note = (Means.VISIT, Counterpart.PERSON, "",
                          "制度の案内のみで終了。必要なときは再度相談するよう伝えた。", "")
# fmt: on
NOTES["community"] = NOTES["isolation"]
NOTES.update(dict.fromkeys(POVERTY_ISSUES, NOTES["poverty"]))
OUTCOME_NOTES = {
    Outcome.HANDLED: "当機関で継続して支援する。",
    Outcome.INFORMATION: "制度の情報提供のみ。",
    Outcome.ENDED: "助言により当面の不安が解消したため終了。",
    Outcome.REFERRED: "本人の同意を得て、他機関につなぐ。",
    Outcome.COLLABORATION: "複数の分野にまたがるため、多機関協働での検討につなぐ。",
}
CONCERNED = {
    "elderly": ("ケアマネジャー", "病院の医療ソーシャルワーカー", "かかりつけ医の看護師"),
    "children": ("学校の担任", "保育園の園長", "保健師"),
    "adults": ("ハローワークの職員", "病院の医療ソーシャルワーカー", "勤務先の上司"),
}
