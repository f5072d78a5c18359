skip-to-content = الانتقال إلى المحتوى
nav-label = القائمة الرئيسية
menu = القائمة
language = اللغة
sign-out = تسجيل الخروج
footer-text = retrace: إعادة الروابط العائلية وحماية الأشخاص المتنقلين. لا تُعرض البيانات الشخصية إلا على المنظمة التي تحتفظ بها.
back-home = العودة إلى الصفحة الرئيسية
nav-home = الرئيسية
nav-users = المستخدمون
nav-audit = سجل التدقيق
nav-organisations = المنظمات
nav-accounts = الحسابات
nav-account = حسابي
platform-operator = مشغّل المنصة
sign-in-title = تسجيل الدخول
sign-in-intro = سجّل الدخول بعنوان البريد الإلكتروني وكلمة المرور اللذين زوّدتك بهما منظمتك.
field-email = البريد الإلكتروني
field-password = كلمة المرور
sign-in = تسجيل الدخول
sign-in-failed = تعذّر تسجيل الدخول. تحقّق من البريد الإلكتروني وكلمة المرور. بعد محاولات فاشلة متكررة يُقفل الحساب لبعض الوقت.
second-factor-title = التحقق بخطوتين
second-factor-intro = أدخل الرمز المكوّن من ستة أرقام من تطبيق المصادقة.
field-code = الرمز
second-factor-recovery-hint = فقدت هاتفك؟ أدخل أحد رموز الاسترداد بدلاً من ذلك.
second-factor-failed = الرمز غير صالح. حاول مجدداً برمز جديد.
verify = تحقّق
enrol-title = إعداد التحقق بخطوتين
enrol-required = يتطلب دورك التحقق بخطوتين قبل المتابعة.
enrol-intro = امسح رمز QR هذا بتطبيق مصادقة، ثم أدخل الرمز المكوّن من ستة أرقام الذي يظهر فيه.
enrol-manual = أو اكتب هذا المفتاح في التطبيق:
enrol-confirm = تأكيد وتفعيل
enrol-code-wrong = الرمز غير مطابق. تحقّق من الوقت في هاتفك وأدخل الرمز الحالي.
enrol-again = إعادة الإعداد على هاتف جديد
recovery-title = رموز الاسترداد الخاصة بك
recovery-intro = احفظ هذه الرموز في مكان آمن. يتيح لك كل رمز تسجيل الدخول مرة واحدة دون هاتفك. لن تُعرض مرة أخرى.
continue = متابعة
home-title = الرئيسية
home-welcome = مرحباً،
your-roles = أدوارك
home-enable-second-factor = التحقق بخطوتين غير مفعّل لحسابك.
card-users-title = المستخدمون
card-users-text = إنشاء حسابات منظمتك وتحديد أدوارها وتعطيلها وإعادة تعيين كلمات المرور.
card-audit-title = سجل التدقيق
card-audit-text = من فعل ماذا ومتى في منظمتك. أي تلاعب بالسجل يمكن كشفه.
card-organisations-title = المنظمات
card-organisations-text = المنظمات المسجلة في هذه المنصة.
card-accounts-title = الحسابات
card-accounts-text = جميع الحسابات، وإنشاء حسابات جديدة لمنظمة.
card-account-title = حسابي
card-account-text = كلمة المرور والتحقق بخطوتين ورموز الواجهة البرمجية.
account-title = حسابي
field-display-name = الاسم
change-password = تغيير كلمة المرور
field-current-password = كلمة المرور الحالية
field-new-password = كلمة المرور الجديدة
password-rule = 12 حرفاً على الأقل. تُرفض كلمات المرور الشائعة. بضع كلمات غير مترابطة تصنع كلمة مرور قوية.
password-current-wrong = كلمة المرور الحالية غير صحيحة.
password-changed = تم تغيير كلمة المرور. وتم تسجيل خروج جلساتك الأخرى.
second-factor-on = التحقق بخطوتين مفعّل.
second-factor-off = التحقق بخطوتين غير مفعّل.
second-factor-remove = إيقاف التحقق بخطوتين
second-factor-removed = تم إيقاف التحقق بخطوتين.
second-factor-short = خطوتان
recovery-codes-left =
    { $count ->
        [zero] لم يتبقَّ أي رمز استرداد
        [one] تبقّى رمز استرداد واحد
        [two] تبقّى رمزا استرداد
        [few] تبقّت { $count } رموز استرداد
        [many] تبقّى { $count } رمز استرداد
       *[other] تبقّى { $count } رمز استرداد
    }
api-tokens = رموز الواجهة البرمجية
api-tokens-intro = تتيح الرموز للبرامج استخدام واجهة JSON باسمك. يُعرض كل رمز مرة واحدة؛ ألغِ ما لم تعد تستخدمه.
api-token-created = رمز جديد (انسخه الآن، لن يُعرض مرة أخرى):
api-tokens-none = ليس لديك أي رمز.
api-token-create = إنشاء رمز
api-token-scopes = ما يمكن للرمز فعله
api-token-scope-read = قراءة السجلات
api-token-scope-write = إنشاء السجلات وتعديلها
api-token-scope-export = التصدير بالجملة (تغذيات PFIF وملفات التصدير)
api-token-scope-admin = إدارة المنظمة (مع دور المسؤول)
api-token-expires = ينتهي
api-token-days-30 = بعد 30 يوماً
api-token-days-90 = بعد 90 يوماً
api-token-days-365 = بعد سنة
api-token-no-expiry = بلا انتهاء (أُنشئ قبل وجود الانتهاء)
field-token-name = اسم الرمز
created = تاريخ الإنشاء
last-used = آخر استخدام
never = أبداً
actions = الإجراءات
revoke = إلغاء
users-title = المستخدمون
field-roles = الأدوار
status = الحالة
disabled = معطّل
active = نشط
user-create = إنشاء حساب
user-create-hint = تُنشأ كلمة مرور أولى وتُعرض مرة واحدة لتسلّمها بطريقة آمنة.
back-to-users = العودة إلى المستخدمين
yes = نعم
no = لا
save = حفظ
access = الوصول
enable = تفعيل الحساب
disable = تعطيل الحساب
reset-password = إعادة تعيين كلمة المرور
cannot-demote-self = لا يمكنك إزالة دور المسؤول عن نفسك.
password-issued-title = كلمة مرور جديدة
password-issued-intro = سلّم كلمة المرور هذه للشخص عبر قناة آمنة. تُعرض مرة واحدة فقط، وعليه تغييرها بعد تسجيل الدخول.
audit-title = سجل التدقيق
audit-intro = كل الإجراءات في منظمتك، الأحدث أولاً. القيود مترابطة بحيث يُكشف أي تعديل على القيود السابقة.
time = الوقت
actor = من
action = الإجراء
object = العنصر
purpose = الغرض
older = قيود أقدم
system = النظام
organisations-title = المنظمات
organisation = المنظمة
field-org-name = الاسم
field-kind = النوع
field-country = البلد
country-hint = رمز ISO من حرفين، مثل BE أو FR أو LB.
members = الحسابات
organisation-create = إنشاء منظمة
accounts-title = الحسابات
national_society = جمعية وطنية
icrc = اللجنة الدولية للصليب الأحمر
ifrc = الاتحاد الدولي لجمعيات الصليب الأحمر والهلال الأحمر
iom = المنظمة الدولية للهجرة
government_agency = جهة حكومية
ngo = منظمة غير حكومية
role-org-admin = مسؤول المنظمة
role-caseworker = مسؤول حالات
role-referral-officer = مسؤول إحالة
role-outreach-worker = عامل ميداني
role-coordinator = منسّق
role-viewer = مطّلع
label-email = البريد الإلكتروني
label-display_name = الاسم
label-roles = الأدوار
label-name = الاسم
label-kind = النوع
label-country = البلد
label-org = المنظمة
label-form = النموذج
label-password = كلمة المرور
label-sealed = الإعداد
error-not-found = الصفحة غير موجودة
error-not-found-text = لا يوجد شيء هنا، أو ليس لديك صلاحية الوصول إليه.
error-forbidden = غير مسموح
error-forbidden-text = لا يسمح دورك بذلك.
error-csrf = انتهت صلاحية النموذج
error-csrf-text = انتهت صلاحية هذا النموذج أو أنه لم يصدر عن هذا الموقع. ارجع وأعد تحميل الصفحة وحاول مجدداً.
error-rate-limited = محاولات كثيرة جداً
error-rate-limited-text = محاولات كثيرة جداً من اتصالك. انتظر بضع دقائق ثم حاول مجدداً.
error-invalid = تحقّق من النموذج
error-invalid-text = بعض المعلومات غير صالحة.
error-internal = حدث خطأ
error-internal-text = حدث خطأ غير متوقع وتم تسجيله.
error-generic = خطأ
error-generic-text = تعذّر إتمام الطلب.

## Restoring Family Links

nav-requests = طلبات البحث
nav-registrations = التسجيلات
agreement = التطابق
any = الكل
back-to-request = العودة إلى الطلب
basis-guardian = موافقة الوصي
basis-public-interest = المصلحة العامة (بقرار منك)
basis-self = موافقة الشخص نفسه
basis-vital-interest = المصلحة الحيوية (بقرار منك)
cancel = إلغاء
candidate = تطابق محتمل
candidates = التطابقات المحتملة
candidates-none = لا توجد تطابقات محتملة حتى الآن.
circumstances = ظروف الانفصال
circumstances-edit = تعديل الظروف
consent-enquirer-agrees = يوافق مقدّم الطلب على أن نبحث عن أقاربه
consent-person-agrees = يوافق الشخص على البحث عنه ومطابقته
consent-record = تسجيل
consent-tracing = الموافقة على البحث
consent-vital-interest = البحث عن هذا الشخص لمصلحته الحيوية (يُسجَّل باسمك)
consent-withdraw = سحب
consents = الموافقة والأساس القانوني
consents-none = لم يُسجَّل شيء: لا تتم مطابقة هذا الشخص مع منظمات أخرى.
contact = جهة الاتصال
contact-through-platform = عبر retrace: استخدم المراجعة والرسائل العائلية لهذا المرشح؛ لا تُعرض عناوين الموظفين
contribution = الوزن
date-hint = التواريخ: سنة (1990) أو شهر (1990-05) أو يوم (1990-05-12)؛ العلامة ~ تعني تاريخاً تقريبياً.
decision = القرار
details-not-released = لم تُفصح المنظمة الأخرى عن بيانات هذا الشخص. تواصل معها: ستطلب موافقة الشخص.
enquirer = مقدّم الطلب
explanation = حقلاً بحقل
family-messages = الرسائل العائلية
field = الحقل
field-age = العمر التقديري
field-age-on = تاريخ تقدير العمر
field-basis = الأساس
field-birth-date = تاريخ الميلاد
field-birth-place = مكان الميلاد
field-closure-reason = سبب الإغلاق
field-contact = بيانات الاتصال
field-context = السياق
field-countries = بلدان العبور
field-countries-scope = بلدان المنظمات
field-direction = إلى
field-family = اسم العائلة
field-father-name = اسم الأب
field-father-part = اسم الأب (ضمن الاسم)
field-given = الاسم الأول
field-grandfather-part = اسم الجد (ضمن الاسم)
field-languages = اللغات
field-last-known-place = آخر مكان معروف
field-marks = علامات مميزة
field-message = الرسالة
field-method = طريقة الإعطاء
field-mother-name = اسم الأم
field-name = الاسم
field-name-kind = نوع الاسم
field-name-search = الاسم (بأي كتابة أو تهجئة)
field-narrative = الرواية
field-nationalities = الجنسيات
field-nationality = الجنسية
field-news-date = آخر الأخبار: التاريخ
field-news-place = آخر الأخبار: المكان
field-news-source = آخر الأخبار: من مَن
field-note = ملاحظة
field-opened-from = فُتح من
field-opened-to = فُتح حتى
field-purpose = الغرض
field-reason = السبب
field-relationship = صلة القرابة بمقدّم الطلب
field-separation-date = تاريخ الانفصال
field-separation-place = مكان الانفصال
field-sex = الجنس
field-text-search = المرجع أو النص
field-status = الحالة
field-version = الإصدار
field-q = المرجع أو النص
field-from = فُتح من
field-to = فُتح حتى
field-body = الرسالة
field-release = الإفصاح
field-given-by = مقدَّم من
field-scope = النطاق
field-consent-method = طريقة إعطاء الموافقة
field-lawful-basis = الأساس القانوني
field-date = التاريخ
field-place = المكان
field-age-estimate = العمر التقديري
filters = عوامل التصفية
flag-at-risk = معرّض للخطر: لا تتم مطابقته أو الإفصاح عنه خارج هذه المنظمة أبداً
flag-minor = قاصر
flag-unaccompanied = غير مصحوب
flags = الحماية
held-by = لدى
mark-as = وضع علامة
message-draft = حفظ المسودة
messages-none = لا توجد رسائل بعد.
messages-after-confirmation = يمكن صياغة الرسائل العائلية بعد أن تؤكّد المنظمتان التطابق.
name-parts = أجزاء الاسم الأول (اختياري)
name-search-hint = يجد الأسماء بأي كتابة أو تهجئة: محمد وMohamed وMuhammad متطابقة.
names = الأسماء
names-hint = اكتب كل اسم كما يكتبه الشخص وبكتابته الأصلية؛ وأضف النقحرة والأسماء المختصرة كأسماء إضافية.
next = التالي
opened = تاريخ الفتح
other-record = السجل الآخر
our-record = سجلنا
own-organisation = منظمتنا
pagination = الصفحات
person-edit = تعديل بيانات الشخص
previous = السابق
record-held-by = سجل لدى
recorded = تاريخ التسجيل
reference = المرجع
registered = تاريخ التسجيل
registration-looking-for-family = أبحث عن عائلتي
registration-new = تسجيل جديد
registration-safe = أنا بأمان
registrations-none = لا توجد تسجيلات بعد.
registrations-title = التسجيلات
release = الإفصاح عن بيانات سجلنا
release-approve = الموافقة على الإفصاح
release-awaiting-second = قاصر: سُجّلت موافقة واحدة، ويجب أن يوافق موظف ثانٍ.
release-done = تم الإفصاح بموافقة الشخص.
release-intro = لا تُرسل البيانات إلى المنظمة الأخرى إلا إذا وافق الشخص على مشاركتها معها؛ ويحتاج القاصر إلى موافقتين.
released-details = بيانات أفصحت عنها المنظمة الأخرى بموافقة الشخص.
released-on = أُفصح عنها في (كما كانت حينها):
details-withdrawn = سحبت المنظمة الأخرى هذه البيانات (سُحبت الموافقة، أو أصبح الشخص محميًا). تاريخ السحب:
request = الطلب
request-create = فتح الطلب
request-new = طلب بحث جديد
requests-title = طلبات البحث
review = المراجعة
review-save = حفظ المراجعة
score = الاحتمال
search = بحث
sharing-scope-hint = للمشاركة: البلدان التي يجوز لمنظماتها تلقي البيانات (رموز ISO).
sought-add = إضافة شخص مفقود
sought-person = الشخص المبحوث عنه
sought-persons = الأشخاص المبحوث عنهم
status-change = تغيير الحالة
status-history = الحالة
status-new = الحالة الجديدة
their-review = مراجعتهم
withdrawn = مسحوب
status-open = مفتوح
status-searching = قيد البحث
status-located = تم تحديد المكان
status-contact-restored = أُعيد الاتصال
status-reunited = تم لمّ الشمل
status-closed = مغلق
closure-contact-restored = أُعيد الاتصال
closure-reunited = تم لمّ الشمل
closure-found-no-contact-wanted = عُثر عليه وهو بخير، ولا يرغب في التواصل
closure-deceased = متوفى
closure-enquirer-withdrew = انسحب مقدّم الطلب
closure-enquirer-unreachable = تعذّر الوصول إلى مقدّم الطلب
closure-not-found = لم يُعثر عليه
context-migration = الهجرة
context-conflict = نزاع مسلح
context-disaster = كارثة
context-detention = احتجاز
context-other = أخرى
sex-female = أنثى
sex-male = ذكر
sex-other = آخر
sex-unknown = غير معروف
name-kind-birth = اسم الولادة
name-kind-alias = اسم مستعار
name-kind-short-form = اسم مختصر
name-kind-transliteration = نقحرة
name-kind-married = اسم الزواج
script-latin = لاتيني
script-arabic = عربي
script-cyrillic = سيريلي
script-ethiopic = جعزي
script-other = كتابة أخرى
method-written = كتابياً
method-oral = شفهياً بحضور شاهد
method-digital = رقمياً
purpose-tracing = البحث
purpose-sharing = المشاركة مع المنظمات
purpose-publication = النشر في المعرض
purpose-authorities = المشاركة مع السلطات
purpose-face-matching = مطابقة الوجه
review-proposed = قيد المراجعة
review-confirmed = مؤكَّد
review-rejected = مرفوض
agreement-agree = متطابق
agreement-close = قريب
agreement-differ = مختلف
agreement-missing = غير متوفر
match-field-name = الاسم
match-field-given-name = الاسم الأول
match-field-father = الأب
match-field-mother = الأم
match-field-birth-date = تاريخ الميلاد
match-field-sex = الجنس
match-field-nationality = الجنسية
match-field-birth-place = مكان الميلاد
match-field-last-seen = آخر مكان شوهد فيه
direction-to-sought-person = إلى الشخص المبحوث عنه
direction-to-enquirer = إلى مقدّم الطلب
message-status-drafted = مسودة
message-status-sent = أُرسلت
message-status-delivered = سُلّمت
message-status-replied = تم الرد
relationship-father = الأب
relationship-mother = الأم
relationship-son = الابن
relationship-daughter = الابنة
relationship-brother = الأخ
relationship-sister = الأخت
relationship-half-brother = الأخ غير الشقيق
relationship-half-sister = الأخت غير الشقيقة
relationship-husband = الزوج
relationship-wife = الزوجة
relationship-partner = الشريك
relationship-fiance = الخطيب/الخطيبة
relationship-grandfather = الجد
relationship-grandmother = الجدة
relationship-grandson = الحفيد
relationship-granddaughter = الحفيدة
relationship-uncle = العم/الخال
relationship-aunt = العمة/الخالة
relationship-nephew = ابن الأخ/الأخت
relationship-niece = ابنة الأخ/الأخت
relationship-cousin = ابن/ابنة العم أو الخال
relationship-stepfather = زوج الأم
relationship-stepmother = زوجة الأب
relationship-stepson = ابن الزوج/الزوجة
relationship-stepdaughter = ابنة الزوج/الزوجة
relationship-guardian = الوصي
relationship-other-relative = قريب آخر
requests-found =
    { $count ->
        [zero] لا توجد طلبات
        [one] طلب واحد
        [two] طلبان
        [few] { $count } طلبات
        [many] { $count } طلباً
       *[other] { $count } طلب
    }
candidates-count =
    { $count ->
        [zero] لا توجد تطابقات محتملة
        [one] تطابق محتمل واحد
        [two] تطابقان محتملان
        [few] { $count } تطابقات محتملة
        [many] { $count } تطابقاً محتملاً
       *[other] { $count } تطابق محتمل
    }
candidates-confirmed =
    { $count ->
        [zero] لا شيء مؤكد
        [one] واحد مؤكَّد
        [two] اثنان مؤكَّدان
        [few] { $count } مؤكَّدة
        [many] { $count } مؤكَّداً
       *[other] { $count } مؤكَّد
    }
card-requests-title = طلبات البحث
card-requests-text = مقدّمو الطلبات الباحثون عن أقاربهم، والأشخاص المبحوث عنهم، والتطابقات المحتملة بين المنظمات وأنظمة الكتابة.
card-registrations-title = التسجيلات
card-registrations-text = الأشخاص الذين يسجّلون أنفسهم بأنهم بأمان أو يبحثون عن عائلاتهم.

## Transfers
nav-transfers = المحالة إلينا
transfers-title = الطلبات المحالة إلينا
transfers-intro = طلبات بحث أحالتها منظمات في بلدان أخرى إلى منظمتك. لا ترى إلا الأجزاء التي اختارت مشاركتها.
transfers-none = لم يُحَل أي طلب إلى منظمتك.
transfer-reference = المرجع
transfer-from = من
transfer-status = الحالة
transfer-received = تاريخ الاستلام
transfer-status-pending = بانتظار القرار
transfer-status-accepted = مقبولة
transfer-status-declined = مرفوضة
transfer-status-revoked = ملغاة
transfer-title = طلب محال
transfer-read-only = للقراءة فقط: المنظمة المرسِلة تبقى مالكة الطلب وتقرر ما تتم مشاركته.
transfer-looking-for = يبحث عن
transfer-decision = القرار
transfer-field-decision = القبول أو الرفض
transfer-accept = قبول الإحالة
transfer-decline = رفض الإحالة
transfer-field-reason = السبب
transfer-reason-hint = إلزامي عند الرفض.
transfer-decide = تسجيل القرار
transfer-new-title = إحالة الطلب
transfer-intro = أرسل هذا الطلب إلى منظمة في بلد آخر يُعتقد أن الشخص المبحوث عنه موجود فيه. تحتفظ منظمتك بالطلب؛ اختر بدقة ما تتم مشاركته.
transfer-field-to-org = المنظمة المستلمة
transfer-to-org-hint = لا تظهر إلا المنظمات الموجودة في بلد آخر.
transfer-field-share = الأجزاء المشاركة
transfer-share-hint = لا تتم مشاركة أي شيء آخر.
transfer-part-circumstances = ظروف الانفصال
transfer-part-enquirer-names = أسماء مقدم الطلب وصلة القرابة
transfer-part-enquirer-contact = بيانات الاتصال بمقدم الطلب
transfer-part-sought = بيانات الأشخاص المبحوث عنهم
transfer-part-note = ملاحظة
transfer-contact-hint = فقط بموافقة سارية من مقدم الطلب على المشاركة مع هذه المنظمة أو بلدها.
transfer-field-sought = الأشخاص المبحوث عنهم المشاركون
transfer-at-risk-never = معرّض للخطر، لا تتم مشاركته أبدًا
transfer-sought-hint = الأسماء والميلاد والوالدان والأماكن وعلامتا القاصر وغير المصحوب.
transfer-field-note = ملاحظة إلى المنظمة المستلمة
transfer-field-enquirer-names = أسماء مقدم الطلب
transfer-field-enquirer-contact = بيانات الاتصال بمقدم الطلب
transfer-send = إحالة
transfer-back = العودة إلى الطلب
transfers-of-request = الإحالات
transfers-of-request-none = لم تتم إحالة هذا الطلب.
transfer-shared = المشاركة
transfer-revoke = إلغاء الإحالة
transfer-new = الإحالة إلى بلد آخر

## Export
export-title = تصدير الطلبات
export-intro = ملف CSV لطلبات منظمتك. يُسجَّل كل تصدير في سجل التدقيق مع سببه؛ ويُستبعد الأشخاص الذين سحبوا موافقتهم أو المعرّضون للخطر.
export-reason-rule = اذكر سبب حاجتك إلى التصدير في 10 إلى 300 حرف
export-password-wrong = كلمة المرور غير صحيحة
export-download = تنزيل ملف CSV
export-link = تصدير…
## Trace the Face
gallery-title = Trace the Face
gallery-intro = أشخاص يبحثون عن أقاربهم. إذا تعرّفت على أحدهم فأخبرنا: سيتابع فريق الصليب الأحمر أو الهلال الأحمر. لا يُعرض إلا صلة القرابة المطلوبة ورقم مرجعي.
gallery-filter-relationship = يبحث عن
gallery-filter-region = المنطقة
gallery-any = الكل
gallery-filter = عرض
gallery-empty = لا توجد صورة تطابق هذه الخيارات.
gallery-photo-alt = صورة الشخص الذي يبحث عن قريب، المرجع
gallery-pages = الصفحات
gallery-previous = الصفحة السابقة
gallery-next = الصفحة التالية
gallery-entry-title = Trace the Face
gallery-back = العودة إلى المعرض
gallery-region = المنطقة
gallery-reference = المرجع
gallery-looking-for = يبحث عن:
gallery-report-title = لديّ معلومات
gallery-report-intro = تصل رسالتك إلى فريق الصليب الأحمر أو الهلال الأحمر، ولا تصل أبدًا إلى الشخص مباشرة. لا تدفع أبدًا لمن يطلب مالًا مقابل أخبار.
gallery-report-message = ماذا تعرف؟
gallery-report-contact = كيف نتواصل معك؟ (اختياري)
gallery-report-language = لغة رسالتك
gallery-report-send = إرسال
gallery-report-expired = انتهت صلاحية النموذج. رسالتك محفوظة أدناه: يرجى إرسالها مرة أخرى.
gallery-report-too-fast = أُرسل النموذج بسرعة كبيرة. يرجى مراجعة رسالتك وإرسالها مرة أخرى.
gallery-thanks-title = شكرًا لك
gallery-thanks-text = أُرسلت رسالتك إلى الفريق الذي يتابع هذا الطلب. قد يتواصل معك إذا تركت وسيلة تواصل.
gallery-publish-title = النشر في Trace the Face
gallery-publish-intro = لا يُنشر إلا الصورة وصلات القرابة المطلوبة ومنطقة واسعة اختيارية ومرجع عشوائي. يجب تسجيل موافقة مقدّم الطلب على النشر؛ ويحتاج القاصر إلى موافقة وليّ أمره وإلى موافقة موظف ثانٍ.
gallery-relationships-sought = صلات القرابة المطلوبة
gallery-region-optional = منطقة واسعة (اختياري)
gallery-no-region = لا تُعرض
gallery-photo = الصورة (JPEG أو PNG أو WebP، بحد أقصى 10 ميغابايت)
gallery-photo-hint = تُقص الصورة بشكل عمودي ويُعاد ترميزها: يُزال الموقع والكاميرا وسائر البيانات المخفية.
gallery-publish = نشر
gallery-photo-again = اختر الصورة مرة أخرى: لا يحتفظ المتصفح بالملف بعد حدوث خطأ.
gallery-already-published = لهذا الطلب مدخل في المعرض بالفعل.
gallery-request-closed = لا يمكن نشر طلب مغلق.
gallery-staff-title = مدخلات المعرض
gallery-staff-empty = لا توجد مدخلات بعد. انشر واحدًا من طلب بحث.
gallery-status = الحالة
gallery-status-awaiting-approval = بانتظار موافقة ثانية
gallery-status-published = منشور
gallery-public-page = الصفحة العامة
gallery-posters = الملصقات
gallery-poster = ملصق
gallery-poster-all = اللغات الأربع
gallery-approve = الموافقة على النشر
gallery-take-down = إزالة (تحذف الصورة)
gallery-publish-link = النشر في Trace the Face
gallery-reports-title = بلاغات المعلومات
gallery-reports-intro = رسائل أُرسلت من المعرض العام بشأن مدخلات منظمتك. لا تُحال أبدًا إلى مقدّمي الطلبات تلقائيًا: تحقق منها قبل التصرف.
gallery-reports-empty = لا توجد بلاغات.
gallery-report-heading = بلاغ معلومات
gallery-report-caution = احذر الاحتيال: قد يدّعي البعض امتلاك أخبار لابتزاز المال. تحقّق قبل نقل أي شيء.
report-status-new = جديد
report-status-useful = مفيد
report-status-spam = رسالة مزعجة
report-status-linked = مرتبط بالطلب
report-mark-new = وضع علامة جديد
report-mark-useful = وضع علامة مفيد
report-mark-spam = وضع علامة رسالة مزعجة
report-mark-linked = ربط بالطلب
poster-title = هل تعرفني؟
poster-call = أبحث عن عائلتي. إذا كانت لديك معلومات، امسح الرمز أو تواصل مع الصليب الأحمر أو الهلال الأحمر.
nav-gallery = المعرض
region-western-europe = أوروبا الغربية
region-northern-europe = أوروبا الشمالية
region-southern-europe = أوروبا الجنوبية
region-eastern-europe = أوروبا الشرقية
region-north-africa = شمال أفريقيا
region-west-africa = غرب أفريقيا
region-central-africa = وسط أفريقيا
region-east-africa = شرق أفريقيا
region-southern-africa = الجنوب الأفريقي
region-middle-east = الشرق الأوسط
region-central-asia = آسيا الوسطى
region-south-asia = جنوب آسيا
region-southeast-asia = جنوب شرق آسيا
region-east-asia = شرق آسيا
region-latin-america = أمريكا اللاتينية والكاريبي
region-north-america = أمريكا الشمالية
region-oceania = أوقيانوسيا
gallery-entries-found =
    { $count ->
        [zero] لا أحد
        [one] شخص واحد
        [two] شخصان
        [few] { $count } أشخاص
        [many] { $count } شخصًا
       *[other] { $count } شخص
    }
security-events-title = أحداث أمنية
security-events-none = لا شيء.
security-events-when = متى
security-events-kind = ماذا
security-events-account = الحساب

## الإحالة عبر الحدود (issue 11)
nav-referrals = الإحالات
nav-sop = الإجراءات
referrals-inbox = الإحالات الواردة
referrals-outbox = الإحالات المرسلة
referrals-intro = إحالات الأشخاص بين المنظمات، غالبًا عبر الحدود، بموافقة الشخص أو بأساس قانوني مسجَّل. لا يرى كل طرف إلا ما اختار الطرف الآخر مشاركته.
referrals-boxes = الواردة أو المرسلة
referrals-none = لا توجد إحالة مطابقة.
referral-new = إحالة جديدة
referral-reference = المرجع
referral-from = من
referral-to = إلى
referral-sent = أُرسلت
referral-field-status = الحالة
referral-field-stage = المرحلة
referral-field-urgency = درجة الاستعجال
referral-field-country = بلد المنظمة الأخرى
referral-field-from = أُرسلت ابتداءً من
referral-field-to = أُرسلت حتى
referral-field-services = الخدمات المطلوبة
referral-field-box = الصندوق
referral-status-sent = مُرسلة
referral-status-accepted = مقبولة
referral-status-declined = مرفوضة
referral-status-in-progress = قيد التنفيذ
referral-status-closed = مغلقة
stage-identification = التعرّف
stage-referral = الإحالة
stage-assistance = المساعدة
stage-monitoring = المتابعة
stage-return = العودة
stage-reintegration = إعادة الإدماج
stage-done = أُغلقت جميع المراحل
urgency-routine = عادية
urgency-urgent = عاجلة
urgency-emergency = طارئة
service-shelter = المأوى
service-medical = الرعاية الطبية
service-legal = المساعدة القانونية
service-psychosocial = الدعم النفسي والاجتماعي
service-safe-return = العودة الآمنة
service-reintegration = إعادة الإدماج
service-family-tracing = البحث عن الأسرة
service-documents = الوثائق
referral-new-title = إحالة شخص
referral-new-intro = أحِل شخصًا سجّلته منظمتك إلى منظمة أخرى. يجب أن تكون موافقة الشخص على المشاركة مع تلك المنظمة أو بلدها (أو أساس قانوني مسجَّل) مدوّنة أولًا في سجل الموافقات.
referral-field-person = الشخص
referral-person-hint = الأشخاص الذين سجّلتهم منظمتك؛ لا يُحال أبدًا شخص مُعلَّم بأنه في خطر.
referral-field-to-organisation = المنظمة المستقبِلة
referral-field-purpose = الغرض
referral-risk = تقييم المخاطر
referral-field-risk-level = مستوى الخطر
risk-level-low = منخفض
risk-level-medium = متوسط
risk-level-high = مرتفع
referral-field-risk-who-at-risk = من المعرَّض للخطر
referral-field-risk-from-whom = الخطر من قِبل من
referral-field-risk-safety-plan = خطة السلامة
referral-field-share = ما تتم مشاركته
referral-share-hint = لا ترى المنظمة المستقبِلة هذه البيانات إلا ما دامت موافقة الشخص قائمة، ولا شيء بعد الرفض.
referral-share-identity = الهوية (الأسماء، الجنس، تاريخ الميلاد، الجنسيات، اللغات)
referral-share-contact = بيانات الاتصال
referral-share-risk = تقييم المخاطر
referral-send = إرسال الإحالة
referral-field-consent = الموافقة
referral-title = إحالة
referral-parties = المنظمات
referral-field-outcome = النتيجة
outcome-assisted = تلقّى المساعدة
outcome-returned-safely = عاد بأمان
outcome-reintegrated = أُعيد إدماجه
outcome-person-withdrew = انسحب الشخص
outcome-lost-contact = انقطع الاتصال
outcome-referred-elsewhere = أُحيل إلى جهة أخرى
referral-field-reason = السبب
referral-person = الشخص
referral-withheld = لا يُعرض شيء عن الشخص: رُفضت الإحالة أو لم تعد موافقته تشمل منظمتك.
referral-person-record = فتح سجل الشخص
referral-shared-parts = ما تمت مشاركته مع المنظمة المستقبِلة
referral-sex = الجنس
referral-languages = اللغات
referral-decision = القرار
referral-field-decision = القبول أو الرفض
referral-accept = قبول الإحالة
referral-decline = رفض الإحالة
referral-reason-hint = إلزامي عند الرفض.
referral-decide = تسجيل القرار
referral-start = بدء المساعدة
referral-stages = المراحل والإجراءات
stage-progress-closed = مغلقة
stage-progress-current = الحالية
stage-progress-upcoming = لاحقة
referral-other-side-stage = تتولاها المنظمة الأخرى
referral-no-checklist = لا توجد قائمة تحقق لهذه المرحلة.
step-state-open = للتنفيذ
step-state-done = تم
step-state-skipped = تم تجاوزها
referral-step-required = إلزامية
referral-step-done = تم
referral-skip-reason = سبب التجاوز
referral-step-skip = تجاوز
referral-close-stage = إغلاق هذه المرحلة
referral-close-stage-steps-open = يمكن إغلاق هذه المرحلة بعد إنجاز كل خطوة مطلوبة أو تخطيها مع ذكر السبب.
referral-field-step = الخطوة
referral-field-action = الإجراء
referral-close = إغلاق الإحالة
referral-field-note = ملاحظة الإغلاق
referral-timeline = التسلسل الزمني
referral-field-text = مستجد
referral-report = إبلاغ المنظمة الأخرى
referral-post-update = إضافة المستجد
referral-side-sender = المنظمة المرسِلة
referral-side-receiver = المنظمة المستقبِلة
event-sent = أُرسلت
event-accepted = قُبلت
event-declined = رُفضت
event-in-progress = بدأت المساعدة
event-closed = أُغلقت
event-stage-closed = أُغلقت مرحلة
event-update = مستجد
referral-internal = داخلي
sop-title = إجراءات التشغيل الموحدة
sop-intro = قائمة التحقق لكل مرحلة. يُنشئ الحفظ نسخة جديدة؛ وتحتفظ الإحالات التي بدأت بنسختها.
sop-none = لا توجد قائمة بعد
sop-required = الخطوات الإلزامية
sop-lines-hint = خطوة واحدة في كل سطر.
sop-optional = الخطوات الاختيارية
sop-save = حفظ نسخة جديدة
referral-field-steps = الخطوات
toolbox = صندوق الأدوات
toolbox-hint = أدوات عملية تُملأ على الشاشة وتُحفظ في هذه الإحالة. لا ترى إلا منظمتك ما ملأته.
tool-entries = الأدوات المملوءة
tool-entries-none = لم تُملأ أي أداة بعد.
tool-yes = نعم
tool-no = لا
tool-save = الحفظ في الإحالة
tool-print-hint = اطبع هذه الصفحة من متصفحك للحصول على نسخة ورقية.
tool-back = العودة إلى الإحالة
tool-pdf = تنزيل بصيغة PDF
# دليل الخدمات وملفات البلدان ومكتبة الوثائق (issue 12)
nav-directory = الدليل
nav-countries = ملفات البلدان
nav-library = المكتبة
edit = تعديل
required = مطلوب
directory-title = دليل الخدمات
directory-intro = المنظمات والخدمات حسب البلد والمدينة: من تساعد، وبأي لغات، ومتى تكون مفتوحة.
directory-new = إضافة خدمة
directory-edit = تعديل الخدمة
directory-back = العودة إلى الدليل
directory-search-text = الاسم أو الوصف
directory-open-now = مفتوح الآن
directory-field-name = الاسم
directory-field-kind = النوع
directory-field-country = البلد (حرفان)
directory-field-city = المدينة
directory-field-service = الخدمة
directory-field-services = الخدمات المقدمة
directory-field-language = اللغة المستخدمة (حرفان)
directory-field-languages = اللغات المستخدمة
directory-languages-hint = رموز من حرفين تفصل بينها فواصل، مثلاً: en, fr, ar
directory-field-description = الوصف
directory-field-address = العنوان
directory-field-phone = الهاتف
directory-field-email = البريد الإلكتروني
directory-field-website = الموقع الإلكتروني
directory-field-hours = ساعات العمل
directory-field-opening-hours = ساعات العمل
directory-hours-hint = بالتوقيت المحلي، مثلاً: Mo-Fr 09:00-17:00; Sa 10:00-12:00 أو 24/7
directory-hours-unknown = غير محددة
directory-field-offset = الفرق عن التوقيت العالمي (مثلاً ‎+01:00)
directory-field-utc-offset = الفرق عن التوقيت العالمي
directory-field-eligibility = من يمكن إحالته
directory-eligibility-anyone = الجميع
directory-field-min-age = الحد الأدنى للعمر
directory-field-max-age = الحد الأقصى للعمر
directory-field-sex = الجنس
directory-field-nationalities = هذه الجنسيات فقط (رموز من حرفين؛ فارغ للجميع)
directory-field-visibility = من يمكنه القراءة
directory-field-version = النسخة
directory-field-form = النموذج
directory-verified = آخر تحقق
directory-maintained-by = تحدّثه
country-profile-link = ملف البلد
sex-limit-any = الجميع
sex-limit-female = النساء والفتيات فقط
sex-limit-male = الرجال والفتيان فقط
visibility-public = عام
visibility-organisations = جميع المنظمات
visibility-own-organisation = منظمتنا فقط
entry-kind-ngo = منظمة غير حكومية
entry-kind-shelter = مأوى
entry-kind-legal-aid = مساعدة قانونية
entry-kind-health = صحة
entry-kind-police = الشرطة
entry-kind-consulate = قنصلية
entry-kind-labour-inspection = تفتيش العمل
entry-kind-family-links = خدمة إعادة الروابط العائلية
entry-kind-government = مكتب حكومي
entry-kind-international = منظمة دولية
service-accommodation = الإيواء
service-legal-advice = استشارة قانونية
service-family-links = الروابط العائلية
service-interpretation = الترجمة الفورية
service-asylum-information = معلومات عن اللجوء
service-return-assistance = المساعدة على العودة
service-child-protection = حماية الطفل
service-labour-rights = حقوق العمال
service-victim-identification = تحديد الضحايا
service-food = الغذاء
countries-title = ملفات البلدان
countries-intro = الإطار القانوني وآلية الإحالة الوطنية وجهات الاتصال وجهات الروابط العائلية والإجراءات، بلداً بلداً. تُحفظ كل نسخة.
countries-none = لا توجد ملفات بلدان بعد.
country-title = ملف البلد
country-empty = لا يوجد ملف لهذا البلد بعد.
country-version = النسخة
country-old-version = هذه نسخة سابقة.
country-see-current = عرض النسخة الحالية
country-last-reviewed = آخر مراجعة
country-changed-at = تاريخ التعديل
country-changed-by = عدّلها
country-changed-sections = ما الذي تغيّر
country-history = النسخ
country-revise = مراجعة الملف
profile-section-legal-framework = الإطار القانوني للاتجار بالبشر واللجوء
profile-section-referral-mechanism = آلية الإحالة الوطنية
profile-section-focal-points = جهات الاتصال
profile-section-family-links = جهات الروابط العائلية
profile-section-entry-and-return = إجراءات الدخول والعودة
profile-section-sources = المصادر
profile-section-last-reviewed = آخر مراجعة
profile-section-version = النسخة
library-title = مكتبة الوثائق
library-intro = إجراءات وإرشادات وقوانين ونماذج ومواد تدريبية، يُبحث في نصها الكامل بالإنجليزية والفرنسية والعربية والإسبانية والروسية.
library-new = إضافة وثيقة
library-back = العودة إلى المكتبة
library-search-text = كلمات البحث
library-field-type = نوع الوثيقة
library-field-document-type = نوع الوثيقة
library-field-language = لغة النص
library-field-theme = الموضوع
library-field-themes = المواضيع (كلمات تفصل بينها فواصل)
library-field-countries = البلدان (رموز من حرفين)
library-field-title = العنوان
library-field-summary = الملخص
library-field-visibility = من يمكنه القراءة
library-field-file = الملف
library-field-q = كلمات البحث
library-sort = الترتيب
library-sort-relevance = الأكثر صلة أولاً
library-sort-newest = الأحدث أولاً
library-only-common-words = لم يتضمن بحثك سوى كلمات شائعة جداً: إليك جميع الوثائق، الأحدث أولاً.
library-no-text = النص غير مقروء
library-no-text-long = تعذّرت قراءة نص هذا الملف: لا يمكن العثور عليه إلا بعنوانه وملخصه.
library-uploaded = تاريخ الإضافة
library-file = الملف
library-file-hint = PDF أو DOCX أو ODT أو TXT أو HTML أو Markdown، بحد أقصى 20 ميغابايت.
library-file-again = اختر الملف مرة أخرى: الصفحة المعادة لا تحتفظ به أبدًا.
library-upload = إضافة الوثيقة
document-type-sop = إجراء تشغيل موحد
document-type-guideline = إرشادات
document-type-law = قانون
document-type-form = نموذج
document-type-training = مادة تدريبية
text-language-en = الإنجليزية
text-language-fr = الفرنسية
text-language-ar = العربية
text-language-es = الإسبانية
text-language-ru = الروسية
directory-found =
    { $count ->
        [zero] لا توجد خدمات
        [one] خدمة واحدة
        [two] خدمتان
        [few] { $count } خدمات
        [many] { $count } خدمة
       *[other] { $count } خدمة
    }
directory-found-more =
    { $count ->
        [zero] أكثر من صفر خدمة
        [one] أكثر من خدمة واحدة
        [two] أكثر من خدمتين
        [few] أكثر من { $count } خدمات
        [many] أكثر من { $count } خدمة
       *[other] أكثر من { $count } خدمة
    }
library-found =
    { $count ->
        [zero] لا توجد وثائق
        [one] وثيقة واحدة
        [two] وثيقتان
        [few] { $count } وثائق
        [many] { $count } وثيقة
       *[other] { $count } وثيقة
    }
library-found-more =
    { $count ->
        [zero] أكثر من صفر وثيقة
        [one] أكثر من وثيقة واحدة
        [two] أكثر من وثيقتين
        [few] أكثر من { $count } وثائق
        [many] أكثر من { $count } وثيقة
       *[other] أكثر من { $count } وثيقة
    }
## Outreach (issue 13)
nav-outreach = التوعية الميدانية
outreach-title = نتائج التوعية الميدانية
outreach-actions = إجراءات التوعية
outreach-record = تسجيل جلسة
outreach-back = العودة إلى نتائج التوعية
outreach-new-title = جلسة توعية
outreach-new-intro = يعمل دون شبكة: تُحفظ الجلسة مشفرة على هذا الهاتف وتُرسل عند عودة الشبكة.
outreach-device-title = محفوظ على هذا الهاتف
outreach-device-none = لا شيء بانتظار الإرسال.
outreach-device-saved = حُفظ على هذا الهاتف. جارٍ الإرسال…
outreach-device-synced = أُرسل. لم يبقَ شيء على هذا الهاتف.
outreach-device-offline = لا توجد شبكة: محفوظ على هذا الهاتف حتى عودة الشبكة.
outreach-device-failed = تعذّر الإرسال؛ ستُعاد المحاولة.
outreach-device-conflict = أُرسل. يتعارض تعديل مع تعديل آخر: راجع قائمة الجلسات.
outreach-device-invalid = للتصحيح:
outreach-device-sync = أرسل الآن
outreach-where-when = أين ومتى
outreach-field-team = الفريق
outreach-field-place-kind = المكان
outreach-field-city = المدينة
outreach-field-started-at = البداية
outreach-field-duration = المدة (بالدقائق)
outreach-team-legend = من ذهب
outreach-field-members = أعضاء الفريق
outreach-field-mediators = الوسطاء الثقافيون
outreach-list-hint = واحد في كل سطر، أو مفصولة بفواصل.
outreach-field-languages = اللغات المستخدمة (رموز)
outreach-reached-legend = الأشخاص الذين تم الوصول إليهم
outreach-field-people-reached = مجموع الأشخاص الذين تم الوصول إليهم
outreach-reached-hint = عُدّ الأشخاص ولا تذكر أسماءهم. يجب أن يساوي مجموع المجموعات أدناه المجموع الكلي.
outreach-field-age-band = العمر
outreach-field-nationality = الجنسية
outreach-field-count = العدد
outreach-topics-legend = المواضيع التي تم الإعلام بها
outreach-referrals-legend = الإحالات إلى الخدمات
outreach-field-service = الخدمة
outreach-follow-ups-legend = متابعة مطلوبة
outreach-follow-up-hint = فقط عندما يطلب الشخص ذلك، وباسم مستعار متفق عليه معه فقط.
outreach-field-pseudonym = الاسم المستعار
outreach-field-consent-to-link = يوافق على الربط بطلب بحث أو إحالة
outreach-field-notes = ملاحظات
outreach-field-session = الجلسة
outreach-field-outcome = النتيجة
outreach-save = حفظ الجلسة
outreach-save-outcome = حفظ
outreach-filters = عوامل التصفية
outreach-filter-from = من
outreach-filter-to = إلى
outreach-filter-all = الكل
outreach-filter-apply = عرض
outreach-total-sessions = الجلسات
outreach-total-people = الأشخاص الذين تم الوصول إليهم
outreach-export-csv = تصدير بصيغة CSV
outreach-no-data = لا شيء مسجل لعوامل التصفية هذه.
outreach-chart-table = الأرقام في جدول
outreach-suppressed = أقل من 5
outreach-nationality-unknown = غير معروفة أو عديم الجنسية
outreach-chart-month = الأشخاص الذين تم الوصول إليهم حسب الشهر
outreach-chart-place-kind = الأشخاص الذين تم الوصول إليهم حسب المكان
outreach-chart-team = الأشخاص الذين تم الوصول إليهم حسب الفريق
outreach-chart-nationality = الأشخاص الذين تم الوصول إليهم حسب الجنسية
outreach-chart-sex = الأشخاص الذين تم الوصول إليهم حسب الجنس
outreach-chart-age-band = الأشخاص الذين تم الوصول إليهم حسب العمر
outreach-chart-topic = الجلسات حسب الموضوع
outreach-chart-referral = الأشخاص المحالون حسب الخدمة
outreach-chart-outcome = النتائج المتابَعة
outreach-place-street = الشارع
outreach-place-squat = مبنى مُحتل
outreach-place-emergency-shelter = مأوى طوارئ
outreach-place-station = محطة
outreach-place-camp = مخيم
outreach-place-detention-centre = مركز احتجاز
outreach-age-under-18 = أقل من 18
outreach-age-18-25 = من 18 إلى 25
outreach-age-26-40 = من 26 إلى 40
outreach-age-41-60 = من 41 إلى 60
outreach-age-over-60 = أكثر من 60
outreach-age-unknown = غير معروف
outreach-outcome-asylum-claim-lodged = قُدّم طلب لجوء
outreach-outcome-reception-entered = دخل منظومة الاستقبال
outreach-outcome-voluntary-return-requested = طُلبت العودة الطوعية
outreach-outcome-family-contact-restored = أُعيد الاتصال بالأسرة
outreach-topic-international-protection = الحماية الدولية
outreach-topic-dublin-regulation = لائحة دبلن
outreach-topic-reception-rights = الحق في الاستقبال
outreach-topic-voluntary-return = العودة الطوعية
outreach-topic-family-links = الروابط العائلية
outreach-topic-health = الصحة
outreach-topic-add-title = إضافة موضوع خاص بالمنظمة
outreach-topic-label = الموضوع
outreach-topic-add = أضف الموضوع
outreach-sessions-title = جلسات التوعية
outreach-session-title = جلسة توعية
outreach-version = الإصدار
outreach-conflicts-title = تعارضات يجب حلها
outreach-conflicts-intro = عُدّلت الجلسة نفسها على جهازين. لم يُستبدل شيء: اختر النسخة التي تريد الاحتفاظ بها.
outreach-conflict-of = تعديل وارد في
outreach-conflict-versions = الإصدارات
outreach-conflict-title = تعارض بين تعديلين
outreach-conflict-intro = أُجري هذا التعديل على نسخة أقدم من المحفوظة. لم يُستبدل شيء.
outreach-conflict-stored = المحفوظة على الخادم
outreach-conflict-incoming = التعديل الآخر
outreach-conflict-based-on = أُجري على الإصدار
outreach-conflict-take = احتفظ بالتعديل الآخر
outreach-conflict-keep = احتفظ بنسخة الخادم
outreach-follow-ups-title = المتابعات
outreach-follow-ups-intro = الأشخاص الذين طلبوا المتابعة، بأسمائهم المستعارة. سجّل ما آل إليه أمرهم.
outreach-country-title = عرض البلد
outreach-country-intro = جميع منظمات البلد، في صورة مجاميع فقط. لا تُعرض الأعداد الأقل من 5 حتى لا يمكن تمييز أي شخص.
outreach-export-xlsx = تصدير بصيغة XLSX

## Nothing chosen in advance (issue 15)
choose-one = اختر…
consent-method-hint = كيف أعطى الشخص أو وليّه الموافقة: مطلوب للموافقة، لا للأساس القانوني.

## Confirm before destructive actions (issue 15)
confirm-release = أؤكد: ستطّلع المنظمة الأخرى على ما تسمح به هذه الموافقة.
confirm-take-down = أؤكد: يُزال القيد من المعرض وتُحذف صورته.
confirm-withdraw = أؤكد السحب.
confirm-close = عند الإغلاق: أؤكد إغلاق الطلب.

## Audit log entries as words (issue 15)
audit-action-organisation-created = أُنشئت منظمة
audit-action-user-created = أُنشئ حساب
audit-action-user-roles-changed = تغيّرت الأدوار
audit-action-user-disabled = عُطّل حساب
audit-action-user-enabled = فُعّل حساب
audit-action-password-changed = تغيّرت كلمة المرور
audit-action-password-reset = أُعيد تعيين كلمة المرور
audit-action-signed-in = تسجيل الدخول
audit-action-sign-in-failed = فشل تسجيل الدخول
audit-action-account-locked = قُفل حساب
audit-action-signed-out = تسجيل الخروج
audit-action-second-factor-enrolled = فُعّل العامل الثاني
audit-action-second-factor-removed = أُزيل العامل الثاني
audit-action-recovery-code-used = استُخدم رمز استرداد
audit-action-api-token-created = أُنشئ رمز واجهة برمجية
audit-action-api-token-revoked = أُلغي رمز واجهة برمجية
audit-action-audit-viewed = عُرض سجل التدقيق
audit-action-demo-data-loaded = حُمّلت بيانات العرض
audit-action-request-created = فُتح طلب
audit-action-request-updated = عُدّل طلب
audit-action-request-viewed = عُرض طلب
audit-action-requests-searched = بحث في الطلبات
audit-action-request-status-changed = تغيّرت حالة طلب
audit-action-request-transferred = نُقل طلب
audit-action-person-added = أُضيف شخص
audit-action-person-updated = عُدّلت بيانات شخص
audit-action-person-viewed = عُرضت بيانات شخص
audit-action-registration-created = سُجّل شخص
audit-action-consent-recorded = سُجّلت موافقة
audit-action-consent-withdrawn = سُحبت موافقة
audit-action-candidate-proposed = وُجد مرشّح
audit-action-candidate-reviewed = رُوجع مرشّح
audit-action-release-approved = وُوفق على الإفصاح
audit-action-details-released = أُفصح عن البيانات
audit-action-released-details-viewed = عُرضت البيانات المُفصح عنها
audit-action-release-withdrawn = سُحب الإفصاح
audit-action-message-drafted = كُتبت رسالة
audit-action-message-sent = أُرسلت رسالة
audit-action-message-delivered = سُلّمت رسالة
audit-action-message-replied = سُجّل رد
audit-action-data-exported = صُدّرت بيانات
audit-action-transfer-viewed = عُرض نقل
audit-action-transfer-accepted = قُبل نقل
audit-action-transfer-declined = رُفض نقل
audit-action-transfer-revoked = أُلغي نقل
audit-action-candidate-removed = سُحب مرشّح
audit-action-gallery-entry-created = قُدّم قيد في المعرض
audit-action-gallery-entry-approved = وُوفق على قيد في المعرض
audit-action-gallery-entry-taken-down = أُزيل قيد من المعرض
audit-action-information-report-received = ورد بلاغ من الجمهور
audit-action-information-report-viewed = عُرض بلاغ من الجمهور
audit-action-information-report-reviewed = عولج بلاغ من الجمهور
audit-action-persons-listed = عُرضت قائمة أشخاص
audit-action-gallery-photo-viewed = عُرضت صورة من المعرض
audit-action-referral-created = أُرسلت إحالة
audit-action-referral-viewed = عُرضت إحالة
audit-action-referrals-listed = عُرضت قائمة الإحالات
audit-action-referral-accepted = قُبلت إحالة
audit-action-referral-declined = رُفضت إحالة
audit-action-referral-status-changed = تغيّرت حالة إحالة
audit-action-referral-step-ticked = أُنجزت خطوة إجراء
audit-action-referral-step-skipped = تُخطّيت خطوة إجراء
audit-action-referral-stage-closed = أُغلقت مرحلة إحالة
audit-action-referral-update-posted = نُشر مستجد عن إحالة
audit-action-sop-template-saved = حُفظ إجراء
audit-action-tool-added = أُضيفت أداة
audit-action-tool-filled = مُلئت أداة
audit-action-tool-entry-viewed = عُرضت أداة مملوءة
audit-action-directory-entry-created = أُضيف قيد في الدليل
audit-action-directory-entry-updated = عُدّل قيد في الدليل
audit-action-country-profile-revised = رُوجع ملف بلد
audit-action-document-uploaded = أُضيفت وثيقة
audit-action-outreach-session-recorded = سُجّلت جولة ميدانية
audit-action-outreach-session-updated = عُدّلت جولة ميدانية
audit-action-outreach-session-viewed = عُرضت جولة ميدانية
audit-action-outreach-conflict-recorded = حُفظ تعارض في التعديل
audit-action-outreach-conflict-resolved = حُلّ تعارض في التعديل
audit-action-outreach-outcome-recorded = سُجّلت نتيجة متابعة
audit-action-outreach-topic-added = أُضيف موضوع توعية
audit-action-outreach-stats-exported = صُدّرت أرقام العمل الميداني
audit-action-person-imported = استُورد شخص
audit-action-import-mapping-saved = حُفظت مطابقة أعمدة الاستيراد
audit-action-import-duplicate-created = أُنشئ سجل مكرر عمدًا عند الاستيراد
audit-action-person-erased = مُحيت بيانات شخص
audit-action-request-erased = مُحي طلب بحث
audit-action-retention-applied = طُبّقت مدد الاحتفاظ
audit-action-retention-period-set = حُدّدت مدة الاحتفاظ
audit-action-subject-access-exported = صُدّرت البيانات لطلب الاطلاع
audit-action-pfif-exported = قُرئت تغذية PFIF
object-kind-organisation = منظمة
object-kind-user = حساب
object-kind-api-token = رمز واجهة برمجية
object-kind-audit-log = سجل التدقيق
object-kind-installation = المنصة
object-kind-tracing-request = طلب
object-kind-person = شخص
object-kind-consent = موافقة
object-kind-candidate = مرشّح
object-kind-family-message = رسالة عائلية
object-kind-transfer = نقل
object-kind-gallery-entry = قيد في المعرض
object-kind-information-report = بلاغ من الجمهور
object-kind-export = تصدير
object-kind-referral = إحالة
object-kind-sop-template = إجراء
object-kind-directory-entry = قيد في الدليل
object-kind-country-profile = ملف بلد
object-kind-document = وثيقة
object-kind-outreach-session = جولة ميدانية
object-kind-outreach-conflict = تعارض في التعديل
object-kind-follow-up = متابعة
object-kind-outreach-topic = موضوع توعية

pfif-import-title = استيراد ملف PFIF
pfif-import-intro = أشخاص وملاحظات من Google Person Finder أو من سجل آخر بصيغة PFIF من 1.1 إلى 1.4. الشخص الذي تقول آخر ملاحظة عنه إنه على قيد الحياة، أو كتبها بنفسه، يصبح تسجيلاً؛ وأي شخص آخر يصبح طلباً يفتحه كاتب السجل. يُستورد كل شيء أو لا شيء: إذا كان سجل واحد غير صالح فلا يُحفظ شيء وتُذكر كل مشكلة مع رقم سطرها. السجلات المستوردة من قبل تُتخطى.
pfif-import-link = استيراد PFIF…
pfif-file = ملف PFIF (XML)
pfif-domain = قبول سجلات هذا النطاق فقط
pfif-domain-hint = مثل personfinder.google.org؛ اتركه فارغاً لقبول كل النطاقات
pfif-import-button = استيراد
pfif-imported = تم الاستيراد
pfif-requests = طلبات
pfif-registrations = تسجيلات
pfif-already-imported = مستوردة من قبل
pfif-nothing-imported = لم يُستورد شيء:
pfif-not-utf8 = الملف ليس نصاً بترميز UTF-8

# Work queue and notifications (issue 15)
work-title = بانتظارك
work-empty = لا شيء بانتظارك.
work-new = جديد
work-unread =
    { $count ->
        [zero] لا جديد
        [one] جديد واحد
        [two] جديدان
       *[other] { $count } جديدة
    }
work-more =
    { $count ->
        [zero] لا مزيد
        [one] واحد آخر
        [two] اثنان آخران
       *[other] { $count } أخرى
    }
work-kind-candidate-to-review = مرشحون للمراجعة
work-kind-candidate-to-review-item = مرشح لتسجيل
work-kind-release-received = بيانات أُفصح عنها لكم (آخر 30 يوماً)
work-kind-release-received-item = إفصاح لتسجيل
work-kind-transfer-waiting = عمليات نقل بانتظار قراركم
work-kind-transfer-waiting-item = نقل من منظمة أخرى
work-kind-referral-waiting = إحالات بانتظار قراركم
work-kind-referral-waiting-item = إحالة من منظمة أخرى
work-kind-public-report = بلاغات من الجمهور للمراجعة
work-kind-public-report-item = بلاغ
work-kind-message-to-relay = رسائل عائلية للإيصال
work-kind-message-to-relay-item = رسالة لتسجيل
work-kind-quiet-request = طلبات بلا نشاط منذ 30 يوماً
work-kind-quiet-request-item = طلب
notifications-title = الإشعارات
notifications-bell =
    { $count ->
        [0] الإشعارات: لا جديد
        [one] الإشعارات: جديد واحد
        [two] الإشعارات: جديدان
       *[other] الإشعارات: { $count } جديدة
    }
notifications-unread =
    { $count ->
        [0] لا جديد منذ آخر زيارة.
        [one] جديد واحد منذ آخر زيارة.
        [two] جديدان منذ آخر زيارة.
       *[other] { $count } جديدة منذ آخر زيارة.
    }
notifications-mark-read = تعليم الكل كمقروء
notifications-no-queue = ليس لأدوارك قائمة عمل: لا شيء للإشعار.
score-band-very-likely = على الأرجح جداً الشخص نفسه
score-band-likely = على الأرجح الشخص نفسه
score-band-possible = ربما الشخص نفسه
score-band-unlikely = على الأرجح ليس الشخص نفسه
score-figure = الرقم
score-figure-text = الاحتمال المقدَّر أن يكون السجلان للشخص نفسه، استناداً إلى أزواج معروفة النتيجة:
contribution-not-counted = لا يُحتسب
explanation-legend = الوزن: مقدار ما غيّره كل حقل في التقدير. فوق الصفر يجعل التطابق أرجح، وتحت الصفر أقل رجحاناً؛ وكلما كبر الرقم كان الدليل أقوى. الحقل الناقص في أي من الطرفين لا يُحتسب.
pfif-export-link = تصدير PFIF…
pfif-export-title = تصدير ملف PFIF 1.4
pfif-export-intro = الأشخاص الذين تختارهم، لمنظمة مستقبِلة واحدة، كما يقرؤهم Person Finder: فقط من تشمل موافقتهم على المشاركة تلك المنظمة أو بلدها، ولا أحد معرّض للخطر أبداً، والأسماء والجنس وتاريخ الميلاد والعمر فقط. يمكن للشركاء قراءة الشيء نفسه كتغذية برمز واجهة برمجية بنطاق التصدير.
pfif-export-receiver = للمنظمة
pfif-export-include = أي الأشخاص
pfif-export-sought = الأشخاص المبحوث عنهم في الطلبات
pfif-export-registered = الأشخاص المسجلون
pfif-export-button = تنزيل الملف
pfif-export-receiver-invalid = اختر المنظمة التي يُرسل إليها الملف.
# CSV and XLSX import (issue 18)
import-csv-title = استيراد ملف CSV أو XLSX
import-csv-intro = طلبات أو تسجيلات من جدول بيانات، صف لكل منها. أولًا يبيّن التشغيل التجريبي صفًا صفًا ما سيُنشأ وما هو مكرر (لصف آخر أو لصف استُورد سابقًا أو لشخص لدى المنظمة) وما يُرفض ولماذا. ثم تُستورد الصفوف كلها دفعة واحدة أو لا شيء: إذا رُفض صف لا يُحفظ شيء. إعادة استيراد الملف نفسه لا تنشئ شيئًا جديدًا. لا تُحسب الصيغ أبدًا.
import-mapping-link = مطابقة الأعمدة…
import-nothing-imported = لم يُستورد شيء.
import-unreadable = تعذّرت قراءة الملف
import-mapping-problem = مطابقة الأعمدة لا تناسب الملف
import-dry-run = تشغيل تجريبي: لم يُحفظ شيء بعد
import-rows = صفوف
import-to-create = للإنشاء
import-duplicates = مكررات لن تُنشأ
import-already = مستوردة سابقًا
import-refused = مرفوضة
import-refused-explained = بعض الصفوف مرفوضة: صحّحها (أو احذفها من الملف) وأعد المحاولة. لا يُستورد شيء ما دام هناك صف مرفوض.
import-commit = استيراد هذه الصفوف
import-line = السطر
import-name = الاسم
import-outcome = النتيجة
import-detail = السبب
import-kind = كل صف هو
import-kind-requests = طلب بحث
import-kind-registrations = تسجيل
import-encoding = الترميز
import-file = ملف CSV أو XLSX
import-dry-run-button = تشغيل تجريبي
import-row-create = سيُنشأ
import-row-already = مستورد سابقًا
import-row-duplicate-row = مكرر للسطر
import-row-duplicate-person = مكرر محتمل للشخص
import-row-refused = مرفوض
import-storing = جارٍ الحفظ
import-checking = جارٍ التحقق
import-done = اكتمل الاستيراد
import-created = أُنشئ
import-csv-again = استيراد ملف آخر
import-progress = تقدّم الاستيراد
import-create-anyway = أنشئ رغم ذلك
import-create-anyway-hint = لا تُنشأ السجلات المكررة: تبقى مرشحة للمراجعة. لإنشاء أحدها رغم ذلك، ضع علامة على «أنشئ رغم ذلك» في صفه قبل الاستيراد؛ ويُسجَّل هذا الاختيار في سجل التدقيق.
import-not-duplicates = هذه الأسطر ليست مكررة، فلا يمكن إنشاؤها رغم ذلك
import-nothing-to-create = لم يكن هناك ما يُنشأ.
import-created-anyway = منها سجلات مكررة أُنشئت رغم ذلك
import-row-created = أُنشئ
import-row-created-anyway = أُنشئ رغم ذلك:
import-created-first = الأسطر المعروضة: أول
import-mapping-title = مطابقة أعمدة الاستيراد
import-mapping-intro = أي عمود في ملفاتك يقابل أي حقل، محفوظ لمنظمتك. أعطِ ملفًا لترى صفوفه الأولى وتختار من عناوين أعمدته. الحقول الفارغة لا تُستورد؛ والعمود الذي عنوانه اسم الحقل يُستخدم دون مطابقة.
import-mapping-saved = حُفظت المطابقة.
import-preview = الصفوف الأولى من الملف
import-preview-file = ملف للمعاينة (اختياري)
import-mapping-columns = عمود كل حقل
import-preview-button = معاينة
import-mapping-save = حفظ المطابقة
import-csv-link = استيراد CSV أو XLSX…

## Retention, erasure and subject access (issue 16)
privacy-erase-title = محو بيانات شخص
privacy-erase-intro = يُمحى كل ما هو محفوظ عن هذا الشخص في كل مكان: السجل وتاريخه، والموافقات، والمرشحون للمطابقة من الجانبين (لا ترى المنظمة الأخرى إلا أن مرشحًا قد سُحب)، وقيود المعرض وصورها، والإحالات، وسجلات الاستيراد، وفهرس البحث. لا يحتفظ سجل التدقيق إلا بواقعة المحو. لا يمكن التراجع عن ذلك.
privacy-erase-enquirer = هذا الشخص هو مقدّم طلب بحث: يُمحى الطلب كله معه، بما في ذلك الأشخاص المبحوث عنهم.
privacy-erase-confirm = أؤكد أنه يجب محو كل ما هو محفوظ عن هذا الشخص
privacy-erase-button = محو نهائي
privacy-erase-done = مُحيت بيانات الشخص.
privacy-erased-persons = الأشخاص الذين مُحيت بياناتهم
privacy-erased-request = مُحي طلب البحث
privacy-erased-candidates = المرشحون المسحوبون
privacy-erased-files = ملفات المعرض المحذوفة
privacy-erase-link = محو بيانات هذا الشخص
privacy-withdrawn-candidates = مرشحون سحبتهم المنظمة الأخرى
label-confirm = التأكيد
## أخطاء النماذج (المسألة 15): الملخّص وما هو الخطأ في القيمة.
form-errors-title =
    { $count ->
        [zero] لا توجد أخطاء في هذا النموذج
        [one] يوجد خطأ واحد في هذا النموذج
        [two] يوجد خطآن في هذا النموذج
        [few] توجد { $count } أخطاء في هذا النموذج
       *[other] يوجد { $count } خطأً في هذا النموذج
    }
error-required = مطلوب
error-empty = يجب ألّا يكون فارغًا
error-too-long = يجب ألّا يتجاوز { $max } حرفًا
error-too-short = يجب ألّا يقلّ عن { $min } أحرف
error-control-characters = يجب ألّا يحتوي على محارف تحكّم
error-choose-one = اختر خيارًا واحدًا
error-unknown-code = «{ $value }» ليس من الخيارات المتاحة
error-date-format = يجب أن يكون سنة (1990) أو شهرًا (1990-05) أو تاريخًا (1990-05-12)
error-year-range = يجب أن تكون السنة بين { $min } و{ $max }
error-month-range = يجب أن يكون الشهر من 01 إلى 12
error-no-such-day = لا يوجد اليوم { $day } في { $month }
error-in-future = في المستقبل
error-age-range = يجب أن يكون بين 0 و{ $max } سنة
error-age-not-number = يجب أن يكون عددًا من السنوات
error-name-required = يلزم اسم واحد على الأقل
error-too-many-names = { $max } اسمًا على الأكثر لكل شخص
error-no-letters = يجب أن يحتوي على أحرف
error-country-code = يجب أن يكون رمز بلد مثل BE أو FR أو SY
error-country-two-letters = يجب أن يتكوّن من حرفين
error-language-code = «{ $value }» ليس رمز لغة من حرفين مثل en أو ar
error-language-codes = يجب أن تكون رموز لغات مثل ar أو fr أو ti
error-email = يجب أن يكون عنوان بريد إلكتروني مثل name@example.org
error-org-kind = اختر نوع المنظمة من القائمة
error-unknown-role = «{ $value }» ليس دورًا
error-no-role = اختر دورًا واحدًا على الأقل
error-gallery-reference = ليس مرجعًا في المعرض
error-case-reference = يجب أن يكون على شكل BE-2026-00042
error-case-number-range = يجب أن يكون الرقم من 1 إلى 999999999
error-identifier = ليس معرّفًا صالحًا
error-guardian-only-for-minor = لا يوافق الوصيّ إلا عن قاصر
error-minor-publication-needs-guardian = يتطلّب نشر صورة قاصر موافقة الوصيّ
error-sharing-needs-scope = اذكر المنظمات أو البلدان التي وافق الشخص على المشاركة معها
error-scope-only-for-sharing = موافقة المشاركة وحدها تتضمّن منظمات أو بلدانًا
error-closure-reason-required = يتطلّب إغلاق الطلب ذكر السبب
error-topic-code = يجب أن يتكوّن من 2 إلى 40 حرفًا لاتينيًا صغيرًا أو رقمًا أو شرطة سفلية
error-services-required = اختر خدمة واحدة على الأقل
error-step-repeated = تُذكر كل خطوة مرة واحدة
error-steps-required = اكتب خطوة واحدة على الأقل
error-too-many-steps = { $max } خطوة على الأكثر
error-utc-offset = «{ $value }» ليس فارقًا عن التوقيت العالمي مثل +01:00 أو -05:00
error-utc-offset-range = خارج النطاق
error-opening-hours = «{ $value }» غير مفهوم: اكتب مثلًا Mo-Fr 09:00-17:00; Sa 10:00-12:00 أو 24/7
error-max-age-below-min = يجب ألّا يقلّ عن الحد الأدنى للعمر
error-max-age-too-high = يجب ألّا يتجاوز { $max }
error-file-format = يجب أن يكون ملف PDF أو DOCX أو ODT أو TXT أو HTML أو Markdown
error-scopes-required = اختر نطاقًا واحدًا على الأقل: القراءة أو الكتابة أو التصدير أو الإدارة
error-unknown-scope = «{ $value }» ليس نطاقًا: استخدم read أو write أو export أو admin
error-confirm = ضع علامة في المربع للتأكيد
## Lists that work (issue 15, item 7)
list-views = أيّ الطلبات
list-all-requests = كل الطلبات
list-my-requests = طلباتي
list-flag = علامة
list-flag-minor = قاصر
list-flag-at-risk = في خطر
list-sort = الترتيب
list-order-newest = الأحدث أولاً
list-order-oldest = الأقدم أولاً
list-order-updated = المعدّلة مؤخراً
list-order-alphabetical = حسب المرجع أو الاسم
list-review-only = فقط ما فيه تطابق محتمل للمراجعة
list-candidates = التطابقات المحتملة
list-to-review =
    { $count ->
        [zero] لا شيء للمراجعة
        [one] واحد للمراجعة
        [two] اثنان للمراجعة
        [few] { $count } للمراجعة
        [many] { $count } للمراجعة
       *[other] { $count } للمراجعة
    }
list-flags = العلامات
list-assigned = المسؤول عن الحالة
list-unassigned = لا أحد بعد
list-assign-to = إسناد إلى
list-assign = إسناد
list-registrations-found =
    { $count ->
        [zero] لا توجد تسجيلات
        [one] تسجيل واحد
        [two] تسجيلان
        [few] { $count } تسجيلات
        [many] { $count } تسجيلاً
       *[other] { $count } تسجيل
    }
audit-action-request-assigned = أُسند طلب

## Duplicate warning (issue 15, item 6)
dup-heading = قد يكون هذا مسجّلاً من قبل
dup-explain = لدى منظمتك سجلات قريبة جداً من هذا الشخص. لم يُحفظ شيء بعد.
dup-links-hint = تفتح الروابط السجلات الموجودة في علامة تبويب جديدة؛ ويبقى ما كتبته هنا.
dup-save-anyway = هذا شخص آخر: احفظ على أي حال
dup-check-again = تحقّق مرة أخرى واحفظ
## الشبكات (issue 14)
nav-networks = الشبكات
work-kind-network-post = منشورات الشبكات التي تتابعها
work-kind-network-post-item = منشور في شبكة
audit-action-network-created = أُنشئت شبكة
audit-action-network-member-changed = تغيّرت عضوية الشبكة
audit-action-network-post-created = كُتب منشور في شبكة
audit-action-network-follow-changed = تغيّرت متابعة الشبكة
object-kind-network = شبكة
object-kind-network-post = منشور شبكة
network-list-title = الشبكات
network-list-intro = الشبكات الإقليمية التي تنتمي إليها منظمتك: الطرق والسياسات والتمويل ودعم الأقران والفعاليات والمحاضر والإجراءات المشتركة.
network-none = منظمتك ليست عضوًا في أي شبكة بعد.
network-members-title = الأعضاء
network-posts-title = المنشورات
network-role-coordinator = منظمة منسِّقة
network-role-member = عضو
network-back = كل الشبكات
network-follows-title = ما أتابعه
network-follows-intro = تظهر في إشعاراتك منشورات النوع أو البلد الذي تتابعه.
network-follows-none = لا تتابع شيئًا بعد.
network-follow = متابعة
network-unfollow = إيقاف المتابعة
network-all-kinds = كل الأنواع
network-filter = تصفية
network-no-posts = لا توجد منشورات.
network-write-title = كتابة منشور
network-countries-hint = رموز البلدان مفصولة بفواصل، مثل LY, IT.
network-joint-action = إجراء مشترك
network-publish = نشر
network-remove = إزالة
network-add-member = إضافة عضو
network-create-title = شبكة جديدة
network-create = إنشاء الشبكة
network-field-name = الاسم
network-field-description = الوصف
network-field-role = الدور
network-field-kind = النوع
network-field-title = العنوان
network-field-body = النص
network-field-countries = البلدان
network-field-country = البلد
network-field-owner = المنظمة المنفِّذة
network-field-due = الموعد
network-field-org = المنظمة
network-field-coordinators = المنظمات المنسِّقة
network-field-members = الأعضاء
network-field-follow = المتابعة
network-field-since = منذ
network-kind-route-change = تغيّر في الطريق
network-kind-policy-change = تغيير تشريعي أو سياسي
network-kind-funding-opportunity = فرصة تمويل
network-kind-peer-support-request = طلب دعم من الأقران
network-kind-event = فعالية
network-kind-meeting-minutes = محضر اجتماع
network-kind-joint-action = إجراء مشترك
retention-title = مدد الاحتفاظ
retention-intro = المدة التي تحتفظ فيها منظمتك بكل نوع من السجلات، بالأيام، ضمن الحدود التي وضعها مشغّل المنصة. تُحذف السجلات التي تجاوزت مدتها كل يوم؛ ويُمحى طلب البحث المغلق مع جميع نسخه.
retention-saved = حُفظت مدة الاحتفاظ.
retention-days = أيام الاحتفاظ
retention-limits = المسموح
retention-default = الافتراضي
retention-kind-closed-requests = طلبات البحث المغلقة
retention-kind-gallery-reports = بلاغات زوار المعرض
retention-kind-outreach-follow-ups = متابعات العمل الميداني
retention-kind-exports = سجلات عمليات التصدير
label-days = الأيام

poster-contact-title = جهة الاتصال العامة
poster-contact-intro = تُعرض في صفحات المعرض العامة وملصقات سجلات منظمتك، ليتمكن من لديه معلومات من التواصل معكم. لا يُعرض شيء عن موظفيكم. المنظمة:
poster-contact-saved = حُفظت جهة الاتصال العامة.
poster-responsible = المنظمة المسؤولة
poster-error-phone = يجب أن يكون رقم هاتف من 6 إلى 20 رقمًا، مثل ‎+32 2 555 01 23‎
field-public-phone = رقم الهاتف العام
field-public-email = البريد الإلكتروني العام
field-public-details = العنوان وساعات العمل
audit-action-org-contact-set = حُدّدت جهة الاتصال العامة
# Subject access (issue 16, item 3)
sar-link = كل ما نحتفظ به عن هذا الشخص (حق الاطلاع)
sar-title = حق الاطلاع على البيانات
sar-intro = كل ما تحتفظ به منظمتك عن هذا الشخص في كل الأقسام: السجل وتفاصيله، وطلب البحث، والموافقات، والتطابقات المحتملة، وما أُفصح عنه أو أُحيل إلى منظمات أخرى ومتى، والرسائل العائلية، وإدخالات Trace the Face والبلاغات عنها، والإحالات، ومن اطّلع على هذه السجلات أو عدّلها.
sar-check = لا تسلّمه إلا للشخص نفسه (أو وليّه) بعد التحقق من هوية الطالب. اقرأه أولاً: قد يذكر سردٌ أو ملاحظة أشخاصاً آخرين.
sar-downloads = التنزيلات
sar-download-json = تنزيل بصيغة JSON
sar-download-pdf = ملف PDF مقروء
sar-audited = يُسجَّل كل تنزيل في سجل التدقيق.
sar-pdf-title = البيانات الشخصية المحفوظة عن
sar-exported = صُدّر في
sar-none = لا شيء
sar-role = الدور
sar-recorded = سُجّل في
sar-reference = المرجع
sar-circumstances = رواية الانفصال
sar-place = مكان الانفصال
sar-given = أُعطيت في
sar-withdrawn = سُحبت في
sar-report = بلاغ من زائر
sar-other-staff = أحد موظفي تلك المنظمة
sar-platform = المنصة
sar-no-consent = لا توجد موافقة مسجلة على المشاركة
sar-under-consent = بموجب موافقة المشاركة المعطاة في
sar-section-person = الشخص
sar-section-request = طلب البحث
sar-section-consents = الموافقات
sar-section-candidates = التطابقات المحتملة
sar-section-releases = التفاصيل المُفصح عنها لمنظمات أخرى
sar-section-transfers = الطلب المُحال إلى منظمات أخرى
sar-section-messages = الرسائل العائلية
sar-section-gallery = إدخالات Trace the Face والبلاغات عنها
sar-section-referrals = الإحالات
sar-section-import = مستورد من
sar-section-seen-by = من اطّلع على هذه السجلات أو عدّلها
# Smart practices (issue 14, item 2)
audit-action-practice-submitted = قُدّمت ممارسة
audit-action-practice-moderated = رُوجعت ممارسة مقدَّمة من الجمهور
audit-action-practice-reviewed = قُيّمت ممارسة
audit-action-practice-published = نُشرت ممارسة
object-kind-practice = ممارسة
practice-nav = الممارسات
practice-list-title = الممارسات الجيدة
practice-list-intro = ممارسات المنظمات الأعضاء في الشبكات، تقيّمها منظمتان أخريان قبل نشرها.
practice-public-link = الممارسات المنشورة كما يراها الجمهور
practice-public-submit = شارك ممارسة
practice-public-intro = عرّف الشبكة بممارسة تساعد الأشخاص المتنقلين. تقرؤها منظمة منسّقة في الشبكة قبل تقييم الأقران.
practice-new-title = تقديم ممارسة
practice-new-intro = تُحال الممارسة إلى تقييم الأقران: يعلّق عليها مقيّمان من منظمتين أخريين في الشبكة قبل نشرها.
practice-no-personal-data = صف الممارسة لا الأشخاص: لا أسماء ولا صور ولا تفاصيل حالات.
practice-search = بحث
practice-search-words = كلمات
practice-any = الكل
practice-none = لا توجد ممارسة مطابقة.
practice-back = العودة إلى الممارسات
practice-from-public = مرسلة من الجمهور
practice-objective = الهدف
practice-cost-unknown = غير معروفة
practice-countries-hint = رموز من حرفين تفصل بينها فواصل، مثل LY, IT
practice-field-title = العنوان
practice-field-network = الشبكة
practice-field-language = اللغة
practice-field-stages = مرحلة الطريق
practice-field-stage = مرحلة الطريق
practice-field-support = نوع الدعم
practice-field-implementers = الجهات المنفّذة
practice-field-funders = الجهات المموّلة
practice-field-countries = البلدان
practice-field-country = البلد
practice-field-target-group = الفئة المستهدفة
practice-field-impact = الأثر والنطاق
practice-field-cost = التكلفة لكل مستفيد
practice-field-cost-amount = المبلغ
practice-field-currency = العملة
practice-field-challenges = التحديات
practice-field-lessons = الدروس المستفادة
practice-field-recommendations = التوصيات
practice-field-objectives = أهداف الاتفاق العالمي من أجل الهجرة
practice-field-objective = هدف الاتفاق العالمي من أجل الهجرة
practice-field-status = الحالة
practice-field-org = المنظمة
practice-field-date = التاريخ
practice-field-verdict = الرأي
practice-field-comment = التعليق
practice-field-decision = القرار
practice-field-q = كلمات
practice-stage-origin = المنشأ
practice-stage-transit = العبور
practice-stage-destination = المقصد
practice-stage-return = العودة
practice-support-family-links = إعادة الروابط العائلية
practice-support-information = المعلومات
practice-support-psychosocial = الدعم النفسي والاجتماعي
practice-support-health = الصحة
practice-support-legal = المساعدة القانونية
practice-support-shelter = المأوى
practice-support-cash = المساعدة النقدية
practice-support-livelihoods = سبل العيش
practice-support-protection = الحماية
practice-support-reintegration = إعادة الإدماج
practice-status-held = بانتظار المراجعة
practice-status-in-review = قيد تقييم الأقران
practice-status-published = منشورة
practice-status-declined = مرفوضة
practice-verdict-approve = موافقة
practice-verdict-revise = تحتاج إلى تعديل
practice-language-en = الإنجليزية
practice-language-fr = الفرنسية
practice-language-es = الإسبانية
practice-language-ar = العربية
practice-reviews-title = تقييمات الأقران
practice-no-reviews = لا تقييم بعد.
practice-review-title = قيّم هذه الممارسة
practice-review-send = أرسل التقييم
practice-publish = انشر
practice-moderation-title = مرسلة من الجمهور
practice-moderation-intro = اقبلها لتقييم الأقران (تصبح منظمتك راعيتها) أو ارفضها.
practice-accept = اقبل لتقييم الأقران
practice-decline = ارفض
practice-submit = أرسل
practice-thanks-title = شكرًا
practice-thanks-body = وصلت ممارستك إلى الشبكة. ستقرؤها منظمة منسّقة قبل تقييم الأقران.
practice-form-expired = انتهت صلاحية الاستمارة. يُرجى إرسالها مجددًا.
practice-form-too-fast = أُرسلت الاستمارة بسرعة كبيرة. يُرجى مراجعتها وإرسالها مجددًا.
practice-refused-read-only = تسمح لك أدوارك بقراءة الممارسات لا بتقييمها.
practice-refused-not-in-review = لا تُقيَّم إلا ممارسة قيد تقييم الأقران.
practice-refused-own-organisation = تُقيِّم الممارسةَ منظماتٌ أخرى في الشبكة، لا منظمتها.
practice-refused-reviewed-by-you = لقد قيّمت هذه الممارسة من قبل.
practice-refused-organisation-reviewed = قيّم أحد أفراد منظمتك هذه الممارسة من قبل.
practice-refused-complete = لهذه الممارسة تقييماها الاثنان.
practice-refused-not-yours = تنشر الممارسةَ منظمتُها أو منظمة منسّقة.
practice-refused-publish-not-in-review = لا تُنشر إلا ممارسة قيد تقييم الأقران.
practice-refused-two-approvals = تُنشر الممارسة بعد تقييمين موافقين من منظمتين أخريين.
practice-refused-moderators-only = تراجع المنظماتُ المنسّقة في الشبكة ما يرسله الجمهور.
practice-refused-not-held = لا تُقبل أو تُرفض إلا ممارسة بانتظار المراجعة.

# Pledge indicators (issue 14, item 3)
indicators-nav = المؤشرات
indicators-title = مؤشرات التعهّد
indicators-intro = أرقام لكل سنة: يُدخلها مسؤول المنظمة يدويًا، أو تُحسب من سجلات المنصة نفسها. تُحسب السنوات بتوقيت
indicators-network-intro = مجموع أرقام المنظمات الأعضاء في الشبكة، وتُحسب كل منظمة وفق سنة تقاريرها.
indicators-from = السنة الأولى
indicators-to = السنة الأخيرة
indicators-show = اعرض
indicators-pdf = نزّل بصيغة PDF
indicators-edit = أدخل أرقام سنة
indicators-edit-intro = تُدخل هنا فقط الأرقام التي لا تستطيع المنصة حسابها؛ اترك القيمة فارغة لحذفها.
indicators-figure = المؤشر
indicators-source = المصدر
indicators-entered = مُدخل يدويًا
indicators-computed = محسوب
indicators-offset-title = المنطقة الزمنية للتقارير
indicators-value = العدد
indicators-note = ملاحظة (اختيارية)
indicators-network-link = مؤشرات الشبكة
indicators-error-whole-number = يجب أن يكون عددًا صحيحًا من 0 إلى { $max }
indicators-error-computed = يُحسب من سجلات المنصة ولا يمكن إدخاله يدويًا
indicators-error-year = يجب أن تكون السنة بين { $min } و{ $max }
indicators-error-span = يغطي التقرير من سنة واحدة إلى { $max } سنة: يجب ألّا تكون السنة الأولى بعد الأخيرة
field-utc-offset = الفرق عن التوقيت العالمي (مثل ‎+01:00)
field-year = السنة
audit-action-indicators-entered = أُدخلت المؤشرات
audit-action-reporting-offset-set = حُدّدت المنطقة الزمنية للتقارير
indicators-group-training = الأشخاص المدرَّبون
indicators-group-engagement = التوعية والمناصرة
indicators-group-activities = الأنشطة حسب النوع
indicators-group-tracing = إعادة الروابط العائلية
indicators-group-referrals = الإحالات
indicators-group-referral-stages = مراحل الإحالة المنجزة
indicators-group-referral-outcomes = الإحالات المغلقة حسب النتيجة
indicators-group-outreach = جلسات التواصل الميداني
indicators-group-people-reached = الأشخاص الذين وصل إليهم التواصل الميداني
indicators-group-gallery = معرض Trace the Face
field-trained-staff = الموظفون المدرَّبون
field-trained-governance = أعضاء الهيئات الإدارية المدرَّبون
field-trained-volunteers = المتطوعون المدرَّبون
field-awareness-campaigns = حملات توعية الجمهور
field-advocacy-actions = أنشطة المناصرة لدى الحكومة
field-activities-rfl-services = عروض خدمات إعادة الروابط العائلية
field-activities-dissemination = جلسات النشر والتعريف
field-activities-resource-mobilisation = حشد الموارد
field-activities-experience-exchanges = تبادل الخبرات
field-activities-peer-support = دعم الأقران
field-requests-opened = طلبات البحث المفتوحة
field-persons-located = الطلبات التي حُدّد فيها مكان الشخص
field-contacts-restored = الاتصالات المستعادة
field-reunifications = لمّ الشمل
field-referrals-sent = الإحالات المرسلة
field-referrals-received = الإحالات المستلمة
field-stages-closed-identification = إنجاز مرحلة التعرّف
field-stages-closed-referral = إنجاز مرحلة الإحالة
field-stages-closed-assistance = إنجاز مرحلة المساعدة
field-stages-closed-monitoring = إنجاز مرحلة المتابعة
field-stages-closed-return = إنجاز مرحلة العودة
field-stages-closed-reintegration = إنجاز مرحلة إعادة الإدماج
field-referrals-closed-assisted = مغلقة: قُدّمت المساعدة
field-referrals-closed-returned-safely = مغلقة: عودة آمنة
field-referrals-closed-reintegrated = مغلقة: أُعيد الإدماج
field-referrals-closed-person-withdrew = مغلقة: انسحب الشخص
field-referrals-closed-lost-contact = مغلقة: انقطع الاتصال
field-referrals-closed-referred-elsewhere = مغلقة: أُحيلت إلى جهة أخرى
field-outreach-sessions = جلسات التواصل المنعقدة
field-people-reached = الأشخاص الذين تم الوصول إليهم
field-gallery-published = مداخل المعرض المنشورة
field-gallery-reports = البلاغات الواردة من الجمهور
field-trained-staff-note = الموظفون المدرَّبون: ملاحظة
field-trained-governance-note = أعضاء الهيئات الإدارية المدرَّبون: ملاحظة
field-trained-volunteers-note = المتطوعون المدرَّبون: ملاحظة
field-awareness-campaigns-note = حملات توعية الجمهور: ملاحظة
field-advocacy-actions-note = أنشطة المناصرة لدى الحكومة: ملاحظة
field-activities-rfl-services-note = عروض خدمات إعادة الروابط العائلية: ملاحظة
field-activities-dissemination-note = جلسات النشر والتعريف: ملاحظة
field-activities-resource-mobilisation-note = حشد الموارد: ملاحظة
field-activities-experience-exchanges-note = تبادل الخبرات: ملاحظة
field-activities-peer-support-note = دعم الأقران: ملاحظة
# The e-mail digest (issues 14 and 15)
audit-action-digest-preference-set = اختيار الملخص بالبريد الإلكتروني
digest-title = الملخص بالبريد الإلكتروني
digest-intro = رسالة قصيرة تخبرك بحجم العمل الذي ينتظرك وبالمنشورات الجديدة في الشبكات التي تتابعها. لا تحتوي على أسماء أحد ولا على تفاصيله: فقط أعداد وعناوين منشورات وروابط إلى retrace. لا يُرسَل شيء إذا لم يكن هناك جديد.
digest-not-enabled = الملخصات بالبريد الإلكتروني غير مفعّلة على هذا الخادم: لا يُرسَل شيء. يُحفظ اختيارك إلى أن تُفعَّل.
digest-saved = حُفظ اختيارك للملخص.
digest-address = تُرسَل الملخصات إلى عنوان البريد الإلكتروني لحسابك:
digest-no-personal-data = البريد الإلكتروني غير محمي من طرف إلى طرف، لذلك لا يحتوي الملخص أبدًا على بيانات شخصية.
digest-change = تغيير
digest-summary-off = لا تتلقى أي ملخص بالبريد الإلكتروني.
digest-summary-daily = تتلقى ملخصًا يوميًا بالبريد الإلكتروني.
digest-summary-weekly = تتلقى ملخصًا أسبوعيًا بالبريد الإلكتروني.
digest-last-sent = آخر إرسال:
digest-last-failed = فشلت المحاولة الأخيرة وستُعاد:
digest-frequency-off = متوقف
digest-frequency-daily = يومي
digest-frequency-weekly = أسبوعي
field-digest-frequency = عدد المرات
field-digest-language = لغة الملخص
digest-mail-subject = retrace: ما الجديد لك
digest-mail-intro = إليك ما ينتظرك على retrace وما استجد منذ آخر ملخص.
digest-mail-counts-title = قائمة عملك
digest-mail-new =
    { $count ->
        [zero] لا جديد
        [one] جديد واحد
        [two] جديدان
        [few] { $count } جديدة
        [many] { $count } جديدًا
       *[other] { $count } جديد
    }
digest-mail-open-queue = افتح إشعاراتك
digest-mail-posts-title = منشورات جديدة تتابعها
digest-mail-more-posts = مزيد من المنشورات في شبكاتك
digest-mail-why-daily = تتلقى هذا الملخص اليومي لأنك اخترته.
digest-mail-why-weekly = تتلقى هذا الملخص الأسبوعي لأنك اخترته.
digest-mail-change = تغييره أو إيقافه
# Every refusal in four languages (coded problems, ADR 0021 update)
error-one-of = يجب أن تكون إحدى القيم { $choices }
error-date = يجب أن يكون تاريخًا مثل 2026-05-31
error-date-time = يجب أن يكون تاريخًا ووقتًا مثل 2026-03-02T18:30
error-rfc3339-time = يجب أن يكون وقتًا مثل 2026-05-01T00:00:00Z
error-out-of-range = خارج الحدود: تحقّق من القيمة
error-whole-number = يجب أن يكون عددًا صحيحًا
error-at-least-one = يجب ألّا يقل عن 1
error-negative = يجب ألّا يكون سالبًا
error-listed-twice = مذكور مرتين: أبقِه مرة واحدة
error-uuid = يجب أن يكون معرّف UUID
error-base64 = ليس ترميز base64 صالحًا
error-too-many-countries = اذكر { $max } بلدًا على الأكثر
error-countries-required = اذكر بلدًا واحدًا على الأقل
error-too-many-entries = { $max } إدخالًا على الأكثر
error-form-unreadable = تعذّرت قراءة الاستمارة: أعد تحميل الصفحة وأرسلها مجددًا
error-form-incomplete = الاستمارة ناقصة: أعد تحميل الصفحة
error-content-type = أرسل الطلب مع Content-Type: { $expected }
error-choose-file = اختر ملفًا
error-file-too-large = أكبر من { $max } ميغابايت: اختر ملفًا أصغر
error-choose-organisation = اختر منظمة
error-no-such-organisation = ليست منظمة: اختر واحدة من القائمة
error-choose-receiving-organisation = اختر المنظمة المستقبِلة
error-not-your-password = ليست كلمة مرورك
error-common-password = شائعة جدًا: اختر كلمة يصعب تخمينها
error-joint-action-needs-owner = يحتاج العمل المشترك إلى المنظمة التي تنفّذه وإلى تاريخ
error-only-joint-action-has-owner = لا يذكر منظمةً وتاريخًا إلا العمل المشترك: اتركهما فارغين
error-joint-action-owner = اختر المنظمة التي تنفّذه
error-owner-not-member = يجب أن تكون المنظمة التي تنفّذ العمل المشترك عضوًا في الشبكة
error-follow-code = يجب أن يكون نوع منشور أو بلدًا: kind: أو country: متبوعًا برمزه
error-post-read-only = تسمح لك أدوارك بقراءة منشورات الشبكة لا بكتابتها
error-post-coordinators-only = لا يكتب المحاضرَ والأعمالَ المشتركة إلا المنظماتُ المنسّقة في الشبكة
error-coordinators-required = اذكر منظمة منسّقة واحدة على الأقل
error-network-name-taken = توجد شبكة بهذا الاسم: اختر اسمًا آخر
error-coordinators-change-members = لا يغيّر أعضاءَ الشبكة إلا منظماتُها المنسّقة
error-keep-one-coordinator = تحتفظ الشبكة بمنظمة منسّقة واحدة على الأقل
error-gcm-objective = يجب أن يكون هدفًا من أهداف الاتفاق العالمي من أجل الهجرة، من 1 إلى 23
error-cost-amount = يجب أن يكون مبلغًا صحيحًا مثل 120، أو أن يُترك فارغًا
error-currency-code = يجب أن يكون رمز عملة من ثلاثة أحرف مثل EUR
error-practice-language = يجب أن تكون الإنجليزية أو الفرنسية أو الإسبانية أو العربية
error-stages-required = اختر مرحلة واحدة على الأقل من الطريق
error-support-required = اختر نوعًا واحدًا على الأقل من الدعم
error-objectives-required = اختر هدفًا واحدًا على الأقل من أهداف الاتفاق العالمي من أجل الهجرة
error-choose-network = اختر شبكة
error-submit-read-only = تسمح لك أدوارك بقراءة الممارسات لا بإرسالها
error-duration-minutes = يجب أن تكون بين 1 و1440 دقيقة
error-members-required = اذكر عضوًا واحدًا على الأقل من الفريق
error-group-listed-twice = هذا الجنس والفئة العمرية والجنسية مذكورة مرتين: اجمع الأعداد في سطر واحد
error-groups-total = مجموع الفئات { $total } لا { $reached } شخصًا تم الوصول إليهم: صحّح الأعداد
error-too-many-referrals = { $referred } إحالة مقابل { $reached } شخصًا تم الوصول إليهم: لا يمكن أن تزيد الإحالات على عدد الأشخاص
error-too-many-follow-ups = سجلات المتابعة أكثر من الأشخاص الذين تم الوصول إليهم: احذف الزائد منها
error-session-id = يجب أن يكون معرّف UUID للجلسة المُنشأ على الجهاز
error-not-a-topic = ليس موضوعًا من مواضيع المنظمة
error-follow-up-id-in-use = معرّف متابعة مستخدم من قبل
error-too-many-sessions = { $max } جلسة على الأكثر في كل مزامنة
error-letters-or-digits = يحتاج إلى حروف أو أرقام
error-topic-exists = هذا الموضوع موجود من قبل
error-end-before-start = يجب ألّا يسبق البداية
error-tool-key = استخدم من 1 إلى 40 من الأحرف اللاتينية الصغيرة أو الأرقام أو الشرطات السفلية
error-tool-title = اكتب العنوان بالإنجليزية والفرنسية والعربية والإسبانية (300 حرف على الأكثر)
error-tool-field-count = للأداة من 1 إلى 40 حقلًا
error-tool-field-key-repeated = يُستخدم مفتاح كل حقل مرة واحدة
error-tool-label = اكتب التسمية بالإنجليزية والفرنسية والعربية والإسبانية
error-not-a-tool-field = ليس حقلًا في هذه الأداة
error-text-too-long = طويل جدًا: اختصره
error-must-be-text = يجب أن يكون نصًا
error-yes-or-no = يجب أن يكون نعم أو لا
error-referral-own-organisation = تُوجَّه الإحالة إلى منظمة غير منظمتك
error-person-at-risk = الشخص مُعلَّم بأنه معرَّض للخطر: لا يخرج شيء عنه من المنظمة
error-referral-no-consent = ليس للشخص موافقة سارية ولا أساس قانوني مسجَّل للمشاركة مع هذه المنظمة أو هذا البلد: سجّل ذلك أولًا
error-stage-not-current = هذه المرحلة ليست المرحلة الجارية الآن
error-stage-other-side = المنظمة الأخرى هي التي تعمل على هذه المرحلة
error-referral-not-active = الإحالة غير مقبولة أو انتهت بالفعل
error-required-steps-open = يجب أولًا إنجاز كل خطوة مطلوبة أو تخطيها مع ذكر السبب
error-step-already-ticked = سبق أن أُشِّرت هذه الخطوة أو تُخطِّيت
error-skip-needs-reason = اذكر سبب تخطي الخطوة
error-choose-person = اختر شخصًا من منظمتك
error-decline-needs-reason = يحتاج الرفض إلى سبب: اذكره
error-receiver-decides = لا تقبل أو ترفض إلا المنظمة المستقبِلة
error-receiver-changes-status = لا تغيّر الحالة إلا المنظمة المستقبِلة
error-publication-at-risk = الشخص معرَّض للخطر: لا يُنشر شيء
error-no-publication-consent = سجّل أولًا موافقة الشخص على النشر
error-same-approver = يجب أن يوافق موظف ثانٍ مختلف
error-transfer-own-organisation = لا يمكن نقل الطلب إلى منظمته نفسها
error-transfer-same-country = اختر منظمة في بلد غير بلد الطلب
error-nothing-shared = اختر جزءًا واحدًا على الأقل للمشاركة
error-sought-at-risk = لا يُشارَك الشخص المعرَّض للخطر أبدًا خارج المنظمة
error-sought-not-in-request = أحد الأشخاص المختارين ليس مبحوثًا عنه في هذا الطلب
error-enquirer-at-risk = مقدّم الطلب معرَّض للخطر: لا يُشارَك شيء عنه خارج المنظمة
error-enquirer-no-sharing-consent = لم يوافق مقدّم الطلب على المشاركة مع هذه المنظمة أو هذا البلد
error-already-transferred = الطلب منقول من قبل إلى هذه المنظمة
error-transfer-decline-reason = اذكر سبب رفض النقل
error-retention-out-of-limits = مدة الاحتفاظ { $days } يومًا خارج الحدود (من { $min } إلى { $max } يومًا): اختر مدة ضمنها
error-photo-format = يجب أن تكون صورة JPEG أو PNG أو WebP
error-photo-too-many-pixels = فيها أكثر من { $max } ميغابكسل: اختر صورة أصغر
error-photo-too-small = صغيرة جدًا: يلزمها { $width } × { $height } بكسل على الأقل
error-photo-unreadable = تعذّرت قراءتها: الملف تالف أو ليس صورة
error-wrong-code = ليس الرمز الذي يعرضه التطبيق الآن: اكتب الرمز الحالي
error-enrolment-expired = لم تعد استمارة التسجيل صالحة: ابدأ من جديد
error-token-name = أعطِ الرمز المميز اسمًا من 1 إلى 100 حرف
error-token-days = يبقى الرمز المميز صالحًا من 1 إلى { $max } يومًا
error-candidate-reject-reason = اذكر سبب رفض المرشّح
error-export-reason = اذكر في { $min } إلى { $max } حرفًا سبب الحاجة إلى التصدير
error-request-status-change = لا يمكن أن ينتقل الطلب من { $from } إلى { $to }
error-message-status-change = لا يمكن أن تنتقل الرسالة من { $from } إلى { $to }
error-sought-required = يلزم شخص مبحوث عنه واحد على الأقل
error-not-a-member = ليس عضوًا في هذه المنظمة
error-not-active-caseworker = ليس مسؤول حالات نشطًا: اختر غيره
error-account-disabled = هذا الحساب معطَّل: اختر غيره
error-confirm-erasure = أكّد أن كل ما هو محفوظ عن الشخص سيُمحى
error-key-rotation-unfinished = ما زالت قيم تحت مفتاح أقدم: أكمل التدوير حتى نهايته أولًا
error-not-import-field = ليس حقلًا في استيراد { $kind }
error-column-required = يجب أن يذكر عمودًا
error-column-missing = العمود { $column } غير موجود في الملف
error-text-encoding = يجب أن يكون بترميز UTF-8 (أو UTF-16 مع علامة ترتيب البايتات) أو Windows-1252
error-author-required = يحتاج سجل الشخص المبحوث عنه إلى كاتب
error-pfif-utf8 = مستند PFIF هو XML بترميز UTF-8
error-theme-word = الموضوع كلمة واحدة من حروف أو أرقام أو شرطات، 40 حرفًا على الأكثر
error-content-mismatch = ليس ملف { $format }: محتواه لا يطابق امتداده
error-record-changed = حفظ شخص آخر هذا السجل في الأثناء: أعد تحميله وطبّق تعديلك مجددًا
error-already-in-use = مستخدم من قبل: اختر غيره
error-referral-changed = تغيّرت الإحالة في الأثناء: أعد تحميلها
error-builtin-tool-key = لأداة مدمجة هذا المفتاح: اختر غيره
error-tool-key-taken = لدى المنظمة أداة بهذا المفتاح من قبل: اختر غيره
error-transfer-revoked = النقل مُلغى من قبل
error-transfer-decided = البتّ في النقل تمّ من قبل
error-entry-changed = غيّر شخص هذا الإدخال منذ فتحته: أعد تحميله وحاول مجددًا
error-profile-revised = راجع شخص هذا الملف التعريفي منذ فتحته: أعد تحميله وحاول مجددًا
error-own-admin-role = لا يمكنك إزالة دور الإدارة الخاص بك: اطلب ذلك من مسؤول آخر
error-release-at-risk = الشخص معرَّض للخطر: لا يُفصح عن شيء خارج المنظمة
error-no-sharing-consent = لم يوافق الشخص على المشاركة مع هذه المنظمة أو هذا البلد
error-messages-after-confirmation = تُنقل الرسائل العائلية بعد أن تؤكّد المنظمتان التطابق

# Choices named in "must be one of …"
choice-accept = القبول
choice-decline = الرفض
choice-in-progress = قيد التنفيذ
choice-closed = مغلق
choice-done = تم
choice-skip = التخطي
choice-sought = الأشخاص المبحوث عنهم
choice-registered = الأشخاص المسجَّلون
choice-all = الكل
choice-relevance = الأكثر صلة
choice-newest = الأحدث
choice-member = عضو
choice-coordinator = منسِّقة
choice-remove = الإزالة
choice-requests = طلبات البحث
choice-registrations = التسجيلات
choice-inbox = الواردة
choice-outbox = المرسلة
error-unreadable-syntax = تعذّرت قراءته: ليس JSON صالحًا في السطر { $line }، العمود { $column }
error-unreadable-truncated = تعذّرت قراءته: ينتهي النص قبل أوانه
error-unreadable-trailing = تعذّرت قراءته: يوجد شيء بعد القيمة
error-unreadable-missing-field = تعذّرت قراءته: الحقل { $name } مفقود
error-unreadable-unknown-field = تعذّرت قراءته: { $name } ليس حقلًا معروفًا
error-unreadable-unknown-value = تعذّرت قراءته: { $value } ليست قيمة معروفة
error-unreadable-wrong-type = تعذّرت قراءته: قيمة من نوع غير صحيح
error-unreadable-invalid-value = تعذّرت قراءته: قيمة غير صالحة

# Lists of sought persons, gallery entries and reports (issue 15, item 7)
report-status-handled = تمت معالجتها
list-request-status = حالة الطلب
list-candidates-only = فقط ما فيه تطابقات محتملة
list-reference-or-name = المرجع أو الاسم
list-sought-found =
    { $count ->
        [zero] لا يوجد أشخاص مبحوث عنهم
        [one] شخص واحد مبحوث عنه
        [two] شخصان مبحوث عنهما
        [few] { $count } أشخاص مبحوث عنهم
        [many] { $count } شخصًا مبحوثًا عنه
       *[other] { $count } شخص مبحوث عنه
    }
list-entries-found =
    { $count ->
        [zero] لا توجد بطاقات
        [one] بطاقة واحدة
        [two] بطاقتان
        [few] { $count } بطاقات
        [many] { $count } بطاقة
       *[other] { $count } بطاقة
    }
list-reports-found =
    { $count ->
        [zero] لا توجد بلاغات
        [one] بلاغ واحد
        [two] بلاغان
        [few] { $count } بلاغات
        [many] { $count } بلاغًا
       *[other] { $count } بلاغ
    }
card-sought-title = الأشخاص المبحوث عنهم
card-sought-text = كل من تبحث عنهم طلبات منظمتك، مع التطابقات المحتملة والعلامات.
